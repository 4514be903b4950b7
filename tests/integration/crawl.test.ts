import type { ServerBuild } from "@remix-run/node";
import { eq, sql } from "drizzle-orm";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInquiry } from "../../db/queries/inquiries";
import { organizationLogos, positions } from "../../db/schema";
import { logoPath } from "../../app/lib/logos";
import { projectRoot, remixBuildPath } from "../../server/paths";
import { FORM_BODY_LIMIT } from "../../server/request-body";
import { makeProposal } from "../support/collab";
import { makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { PNG_7x5 } from "../support/images";
import { rawRequest } from "../support/raw-http";
import { adoptProposal, paragraph, writeProposalText } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";
import { tableNames } from "../support/snapshot";

/*
 * The crawl: every route of the Remix build's route table (so a new route is crawled without
 * touching this file), as anonymous, as a representative and as a convener, with GET and POST,
 * with hostile values in every path parameter, query parameter and form field, and with bodies
 * that are not forms or are too large. It asserts: no 5xx anywhere, no answer slower than 10 s (a
 * hang detector, not a benchmark), no error-level line in the server's log, and no row count of
 * any table changed by a refused request (status 400 or more).
 */

const SLOW_MS = 10_000;
const UNKNOWN_UUID = "00000000-0000-4000-8000-000000000000";
const LONG = "x".repeat(10_000);
/** Values as they are written into a URL (already encoded, or deliberately not decodable). */
const HOSTILE_URL_VALUES = [UNKNOWN_UUID, "not-a-uuid", "%00", LONG, "%E0%A4%A", "%zz", "__proto__", "..%2F..%2Fetc%2Fpasswd"];
/** Values of form fields, as text (encoded when the body is made). */
const HOSTILE_FIELD_VALUES = [UNKNOWN_UUID, "not-a-uuid", "\u0000", "\uD800", LONG];

interface CrawledRoute {
  id: string;
  /** The path pattern, like /app/rounds/:roundId. */
  pattern: string;
  params: string[];
  hasAction: boolean;
  /** Names the route reads from its query or its forms (from its source and what it imports). */
  names: string[];
  /** The intents of its forms. */
  intents: string[];
}

/** The route table of the real build, with each route's full path, and names read from its source. */
async function routeTable(): Promise<CrawledRoute[]> {
  const build = (await import(pathToFileURL(remixBuildPath).href)) as ServerBuild;
  const fullPath = (id: string): string => {
    const route = build.routes[id]!;
    const parent = route.parentId ? fullPath(route.parentId) : "";
    return route.path ? `${parent.replace(/\/$/, "")}/${route.path}` : parent || "/";
  };
  const seen = new Set<string>();
  const routes: CrawledRoute[] = [];
  for (const [id, route] of Object.entries(build.routes)) {
    if (id === "root" || !route.module.default) {
      // Resource routes (feeds, CSV, calendar, logos, the API) have no component: crawled too.
      if (id === "root" || (!route.module.loader && !route.module.action)) continue;
    }
    const pattern = fullPath(id);
    // A layout with an index child is the same address as the index: crawled once.
    if (seen.has(pattern) && !route.module.action) continue;
    seen.add(pattern);
    const source = routeSource(id);
    routes.push({
      id,
      pattern,
      params: [...pattern.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*"),
      hasAction: Boolean(route.module.action),
      names: namesIn(source),
      intents: [
        ...new Set(
          [...source.matchAll(/name="intent" value="([\w-]+)"|^\s+"?([\w-]+)"?: intentForm\(|\bintent="([\w-]+)"/gm)].map(
            (m) => m[1] ?? m[2] ?? m[3]!,
          ),
        ),
      ],
    });
  }
  return routes;
}

/** Query and form names a route's source reads: `.get("…")`, `name="…"`, `fields.…`, schema keys. */
function namesIn(source: string): string[] {
  const patterns = [/\.get(?:All)?\("(\w+)"\)/g, /name="(\w+)"/g, /fields\.(\w+)/g, /^\s+(\w+): [\w.]+\(/gm];
  return [...new Set(patterns.flatMap((p) => [...source.matchAll(p)].map((m) => m[1]!)))];
}

/**
 * The route module's source (a folder route: every module in its folder) and the schemas and
 * form components it imports.
 */
function routeSource(id: string): string {
  const base = path.join(projectRoot, "app", id);
  const files = fs.existsSync(base)
    ? fs
        .readdirSync(base)
        .filter((f) => /\.tsx?$/.test(f) && !f.includes(".test."))
        .map((f) => path.join(base, f))
    : [".tsx", ".ts"].map((ext) => base + ext).filter((f) => fs.existsSync(f));
  let source = files.map((f) => fs.readFileSync(f, "utf8")).join("\n");
  for (const [, imported] of source.matchAll(/from "(?:\.\.\/)+((?:schemas|components)\/[\w.-]+)"/g)) {
    const dep = [".ts", ".tsx"].map((ext) => path.join(projectRoot, "app", imported! + ext)).find((f) => fs.existsSync(f));
    if (dep && (imported!.startsWith("schemas/") || imported!.endsWith("-form"))) source += "\n" + fs.readFileSync(dep, "utf8");
  }
  return source;
}

let server: TestServer;
let routes: CrawledRoute[];
const errorLines: string[] = [];
const fixtures: Record<string, string> = {};
let convenerId: string;
let representativeId: string;

/** A real value for each path parameter, by route (an id of the right kind, so actions are reached). */
function realParam(route: CrawledRoute, param: string): string {
  if (param === "*") return "some/unknown/address";
  if (param === "roundId") return fixtures.roundId!;
  if (param === "slug") return fixtures.slug!;
  if (param === "pillar") return "coverage";
  if (param === "token") return "not-a-real-token";
  if (param === "organizationId") return fixtures.logoOrganizationId!;
  if (param === "file") return fixtures.logoFile!;
  const kind = route.pattern.split("/").find((part, i, all) => all[i + 1] === `:${param}`);
  const byKind: Record<string, string | undefined> = {
    proposals: fixtures.proposalId,
    organizations: fixtures.organizationId,
    inquiries: fixtures.inquiryId,
    people: fixtures.personId,
    positions: fixtures.positionId,
  };
  return byKind[kind ?? ""] ?? UNKNOWN_UUID;
}

function fill(route: CrawledRoute, values: Partial<Record<string, string>> = {}): string {
  return route.pattern.replace(/:(\w+)|\*/g, (_m, name: string | undefined) => values[name ?? "*"] ?? realParam(route, name ?? "*"));
}

interface Probe {
  method: "GET" | "POST";
  path: string;
  headers?: Record<string, string>;
  body?: string | Buffer;
  what: string;
}

/** Percent-encodes as a browser would; half a surrogate pair becomes the bytes UTF-8 would give it (ED A0 80), which no decoder accepts. */
function encode(text: string): string {
  return Array.from(text, (c) => (/^[\uD800-\uDFFF]$/.test(c) ? "%ED%A0%80" : encodeURIComponent(c))).join("");
}

function form(fields: [string, string][]): string {
  return fields.map(([k, v]) => `${encode(k)}=${encode(v)}`).join("&");
}

/** The GETs of one route: real parameters, hostile path parameters, hostile query values. */
function getProbes(route: CrawledRoute): Probe[] {
  const probes: Probe[] = [{ method: "GET", path: fill(route), what: "real" }];
  for (const param of route.params) {
    for (const value of HOSTILE_URL_VALUES)
      probes.push({ method: "GET", path: fill(route, { [param]: value }), what: `${param}=${value.slice(0, 20)}` });
  }
  const names = [...new Set(["q", "page", ...route.names])];
  for (const value of HOSTILE_URL_VALUES) {
    probes.push({
      method: "GET",
      path: `${fill(route)}?${names.map((n) => `${n}=${value}`).join("&")}`,
      what: `query=${value.slice(0, 20)}`,
    });
  }
  probes.push({
    method: "GET",
    path: `${fill(route)}?q=a&q=b&page=1&page=2&__proto__[x]=1&constructor[prototype][x]=1`,
    what: "query duplicates",
  });
  return probes;
}

const urlencoded = { "Content-Type": "application/x-www-form-urlencoded" };

/** The POSTs of one route with an action: every intent with hostile fields, and bodies that are not forms. */
function postProbes(route: CrawledRoute): Probe[] {
  const target = fill(route);
  const names = route.names.filter((n) => n !== "intent");
  const probes: Probe[] = [];
  const post = (what: string, body: string | Buffer, headers: Record<string, string> = urlencoded, p = target) =>
    probes.push({ method: "POST", path: p, headers, body, what });
  for (const param of route.params) {
    for (const value of HOSTILE_URL_VALUES)
      post(`${param}=${value.slice(0, 20)}`, form([["intent", route.intents[0] ?? ""]]), urlencoded, fill(route, { [param]: value }));
  }
  for (const intent of [undefined, "__proto__", ...route.intents]) {
    const withIntent = (fields: [string, string][]): [string, string][] =>
      intent === undefined ? fields : [["intent", intent], ...fields];
    for (const value of HOSTILE_FIELD_VALUES) {
      // Ten thousand characters in every field would pass the body limit on a big form: five fields get them.
      const some = value === LONG ? names.slice(0, 5) : names;
      post(`${intent}: fields=${JSON.stringify(value.slice(0, 12))}`, form(withIntent(some.map((n) => [n, value]))));
    }
    post(
      `${intent}: duplicates`,
      form(
        withIntent(
          names.flatMap((n): [string, string][] => [
            [n, "one"],
            [n, "two"],
          ]),
        ),
      ),
    );
    post(
      `${intent}: arrays and objects`,
      form(
        withIntent(
          names.flatMap((n): [string, string][] => [
            [`${n}[0]`, "a"],
            [`${n}[1]`, "b"],
            [`${n}.x`, "c"],
          ]),
        ),
      ),
    );
    post(
      `${intent}: __proto__`,
      form(
        withIntent([
          ["__proto__", "x"],
          ["__proto__.polluted", "yes"],
          ["__proto__[polluted]", "yes"],
          ["constructor.prototype.polluted", "yes"],
          ...names.map((n): [string, string] => [`__proto__.${n}`, "x"]),
        ]),
      ),
    );
  }
  post("invalid percent-encoding", `intent=%zz&${names.map((n) => `${n}=%E0%A4%A`).join("&")}`);
  post("text/plain", `intent=${route.intents[0] ?? ""}\n${names.join("=x\n")}`, { "Content-Type": "text/plain" });
  post(
    "JSON",
    JSON.stringify({ intent: route.intents[0], __proto__: { polluted: "yes" }, ...Object.fromEntries(names.map((n) => [n, ["x"]])) }),
    {
      "Content-Type": "application/json",
    },
  );
  const boundary = "----crawl";
  post(
    "truncated multipart",
    `--${boundary}\r\nContent-Disposition: form-data; name="intent"\r\n\r\n${route.intents[0] ?? ""}\r\n--${boundary}\r\nContent-Dispo`,
    {
      "Content-Type": `multipart/form-data; boundary=${boundary}`,
    },
  );
  post("multipart without boundary", `intent=x`, { "Content-Type": "multipart/form-data" });
  post("over the limit", Buffer.alloc(FORM_BODY_LIMIT + 1, "a"));
  return probes;
}

/** Row counts of every table in one query (one round trip per request). */
let countQuery: ReturnType<typeof sql>;
async function counts(): Promise<Record<string, number>> {
  const result = (await server.database.db.execute(countQuery)) as unknown as { rows: Record<string, number>[] };
  const row = (Array.isArray(result) ? result[0] : result.rows[0]) as Record<string, number | string>;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)]));
}

async function identityCookie(identity: "anonymous" | "representative" | "convener"): Promise<string | undefined> {
  if (identity === "anonymous") return undefined;
  const client = new TestClient(server.url);
  await signInAs(server.database.db, client, identity === "convener" ? convenerId : representativeId);
  return `care_session=${client.cookie("care_session")}`;
}

beforeAll(async () => {
  const capture = {
    write(line: string) {
      if ((JSON.parse(line) as { level: number }).level >= 50) errorLines.push(line);
    },
  };
  server = await startTestServer({ roundScheduler: false, log: pino({ level: "warn" }, capture) });
  const db = server.database.db;
  const convener = await makePerson(db, { role: "convener" });
  convenerId = convener.id;
  const admin = new TestClient(server.url);
  await signInAs(db, admin, convener.id);

  // A published position (its round closed), then an open round on another proposal.
  const adopted = await adoptProposal(server, admin, { title: "Crawled proposal", text: "Cover prosthetic care." });
  const published = await admin.post(`/app/rounds/${adopted.roundId}/publish`, {
    releaseAt: "",
    title: "Crawled position",
    summary: "Health plans should pay for artificial limbs. People need them to walk and work.",
  });
  expect(published.status).toBe(302);
  const [position] = await db.select().from(positions).where(eq(positions.roundId, adopted.roundId));
  fixtures.positionId = position!.id;
  fixtures.slug = position!.slug;

  const lead = await makeOrganization(db, { votingMember: false });
  const representative = await makePerson(db, { organizationId: lead.id, canVote: true });
  representativeId = representative.id;
  const proposal = await makeProposal(db, { leadOrganizationId: lead.id, createdById: representative.id, title: "Open proposal" });
  await writeProposalText(server, proposal.id, (f) => f.insert(0, [paragraph("The text under vote.")]));
  const open = await admin.post(`/app/proposals/${proposal.id}/round`, {
    deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
    quorum: "1/1",
    thresholdPercent: "80",
  });
  fixtures.roundId = open.location!.match(/rounds\/([0-9a-f-]{36})/)![1]!;
  // A draft the representative may edit, for the proposal routes.
  fixtures.proposalId = (await makeProposal(db, { leadOrganizationId: lead.id, createdById: representative.id, title: "Draft" })).id;

  const organization = await makeOrganization(db);
  fixtures.organizationId = organization.id;
  const logo = new FormData();
  logo.append("intent", "logo");
  logo.append("logo", new Blob([new Uint8Array(PNG_7x5)], { type: "image/png" }), "logo.png");
  expect((await admin.post(`/app/organizations/${adopted.endorser.id}`, logo)).status).toBe(302);
  const [stored] = await db.select().from(organizationLogos).where(eq(organizationLogos.organizationId, adopted.endorser.id));
  fixtures.logoOrganizationId = adopted.endorser.id;
  fixtures.logoFile = logoPath(adopted.endorser.id, stored!.sha256, stored!.contentType).split("/").pop()!;

  fixtures.personId = (await makePerson(db, { organizationId: organization.id })).id;
  fixtures.inquiryId = (
    await createInquiry(db, {
      name: "Pat",
      email: "pat@example.org",
      organizationName: "Rare Lung Alliance",
      organizationKind: "patient_advocacy",
      message: "We would like to join.",
    })
  ).id;

  const tables = await tableNames(db);
  countQuery = sql.join(
    [
      sql`select`,
      sql.join(
        tables.map((t) => sql`(select count(*) from ${sql.identifier(t)})::int as ${sql.identifier(t)}`),
        sql`, `,
      ),
    ],
    sql` `,
  );
  routes = await routeTable();
}, 120_000);
afterAll(() => server?.close());

const identities = ["anonymous", "representative", "convener"] as const;

describe("the crawl", () => {
  it("finds the route table: public pages, the workspace, the API, feeds, CSV, calendar and logos", () => {
    const patterns = routes.map((r) => r.pattern);
    for (const expected of [
      "/",
      "/positions/:slug",
      "/app/rounds/:roundId",
      "/api/positions",
      "/feed.atom",
      "/app/rounds/:roundId/results.csv",
      "/app/rounds/:roundId/calendar.ics",
      "/logos/:organizationId/:file",
      "/*",
    ]) {
      expect(patterns).toContain(expected);
    }
    expect(routes.find((r) => r.pattern === "/app/rounds/:roundId")!.intents).toEqual(expect.arrayContaining(["cast", "close", "record"]));
  });

  it.each(identities)(
    "answers every route as %s: no 5xx, no hang, no error logged, nothing changed by a refusal",
    async (identity) => {
      const problems: string[] = [];
      let requests = 0;
      const started = Date.now();
      // GETs first (they change nothing), then the POSTs, whose successes may change fixtures.
      for (const phase of ["GET", "POST"] as const) {
        for (const route of routes) {
          if (phase === "POST" && !route.hasAction) continue;
          // A fresh session per route: a post to /logout ends only its own.
          const cookie = await identityCookie(identity);
          let before = await counts();
          for (const probe of phase === "GET" ? getProbes(route) : postProbes(route)) {
            const headers: Record<string, string> = { ...probe.headers };
            if (cookie) headers.Cookie = cookie;
            if (probe.method === "POST") headers.Origin = server.origin;
            const res = await rawRequest(server.url, { method: probe.method, path: probe.path, headers, body: probe.body });
            requests += 1;
            const where = `${identity} ${probe.method} ${route.pattern} (${probe.what})`;
            if (res.status >= 500) problems.push(`${where}: ${res.status} ${res.text.slice(0, 200)}`);
            if (res.elapsedMs > SLOW_MS) problems.push(`${where}: ${res.elapsedMs} ms`);
            const after = await counts();
            if (res.status >= 400) {
              for (const [table, n] of Object.entries(after))
                if (before[table] !== n) problems.push(`${where}: ${res.status} changed ${table} ${before[table]} → ${n}`);
            }
            before = after;
          }
        }
      }
      expect({}).not.toHaveProperty("polluted");
      console.info(`crawl as ${identity}: ${routes.length} routes, ${requests} requests, ${((Date.now() - started) / 1000).toFixed(1)} s`);
      expect(problems).toEqual([]);
      expect(errorLines).toEqual([]);
    },
    600_000,
  );
});

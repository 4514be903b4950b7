import { eq } from "drizzle-orm";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import zlib from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getCoalition, listPillars } from "../../db/queries/coalition";
import { coalition, inquiries, organizationLogos, organizations, positions } from "../../db/schema";
import { publicFolder } from "../../server/paths";
import { makePerson, signInAs, unique } from "../support/factories";
import { TestClient } from "../support/http";
import { PNG_7x5 } from "../support/images";
import { adoptProposal } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let admin: TestClient;
let slug: string;

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/** A GET that keeps the bytes as sent (fetch would decode them). */
function rawGet(pathname: string, headers: Record<string, string> = {}, method = "GET"): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(pathname, server.url), { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

const read = async (pathname: string) => (await new TestClient(server.url).get(pathname)).text;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  admin = new TestClient(server.url);
  await signInAs(server.database.db, admin, convener.id);
  const { roundId } = await adoptProposal(server, admin, { title: "Kept pages", text: "Pages are kept until they change." });
  const published = await admin.post(`/app/rounds/${roundId}/publish`, {
    title: "Care close to home",
    summary: "People should get care near where they live.",
    releaseAt: "",
  });
  expect(published.status).toBe(302);
  slug = "care-close-to-home";
});
afterAll(() => server?.close());

const publicPages = () => [
  "/",
  "/members",
  "/pillars/coverage",
  "/positions",
  "/positions?pillar=access",
  "/positions?q=care",
  `/positions/${slug}`,
  "/join",
  "/feed.atom",
  "/api/positions",
  `/api/positions/${slug}`,
  "/sitemap.xml",
  "/robots.txt",
];

describe("kept public pages", () => {
  it("serves every public page from memory until something it shows changes, with 304 for its ETag", async () => {
    for (const page of publicPages()) {
      const first = await rawGet(page);
      expect(first.status, page).toBe(200);
      const etag = first.headers.etag!;
      expect(etag, page).toMatch(/^"[\w-]{27}"$/);
      // Changed straight in the database, bypassing every convener action: a kept page does not
      // see it, so the second answer (and the 304) come from memory, not from a new render.
      await server.database.db.update(coalition).set({ name: `Renamed ${page}` });
      const second = await rawGet(page);
      expect(second.body.equals(first.body), page).toBe(true);
      expect(second.headers.etag).toBe(etag);
      const notModified = await rawGet(page, { "If-None-Match": etag });
      expect(notModified.status, page).toBe(304);
      expect(notModified.body.byteLength).toBe(0);
      server.pages.invalidate("all");
    }
    await server.database.db.update(coalition).set({ name: "Patient CARE Working Table" });
    server.pages.invalidate("all");
  });

  it("keeps a member's logo as sent (not recompressed) until organizations change", async () => {
    const [org] = await server.database.db
      .insert(organizations)
      .values({ name: unique("Logo Keepers") })
      .returning();
    const form = new FormData();
    form.append("intent", "logo");
    form.append("logo", new Blob([new Uint8Array(PNG_7x5)], { type: "image/png" }), "logo.png");
    expect((await admin.post(`/app/organizations/${org!.id}`, form)).status).toBe(302);
    const address = new RegExp(`/logos/${org!.id}/[0-9a-f]{64}\\.png`).exec(await read("/members"))![0];
    const first = await rawGet(address, { "Accept-Encoding": "br" });
    expect(first.status).toBe(200);
    expect(first.body.equals(PNG_7x5)).toBe(true);
    expect(first.headers["content-encoding"]).toBeUndefined();
    // Gone from the database behind the application's back: the kept copy still answers.
    await server.database.db.delete(organizationLogos).where(eq(organizationLogos.organizationId, org!.id));
    const kept = await rawGet(address, { "Accept-Encoding": "br" });
    expect(kept.status).toBe(200);
    expect(kept.body.equals(PNG_7x5)).toBe(true);
    expect(kept.headers["content-type"]).toBe("image/png");
    expect(kept.headers["cache-control"]).toContain("immutable");
    expect((await rawGet(address, { "If-None-Match": first.headers.etag! })).status).toBe(304);
    server.pages.invalidate("organizations");
    expect((await rawGet(address)).status).toBe(404);
  });

  it("renders a search beyond its first page every time, and keeps nothing for it", async () => {
    const before = server.pages.size;
    const page2 = await rawGet("/positions?q=care&page=2");
    expect(page2.status).toBe(200);
    const api2 = await rawGet("/api/positions?page=2");
    expect(api2.status).toBe(200);
    expect(server.pages.size).toBe(before);
  });

  it("keeps a page only as any reader sees it: a signed-in person gets the same bytes, and no cookie is kept", async () => {
    server.pages.invalidate("all");
    const signedIn = await admin.get("/members");
    expect(signedIn.headers.get("set-cookie")).toBeNull();
    const anonymous = await rawGet("/members");
    expect(anonymous.body.toString()).toBe(signedIn.text);
    expect(anonymous.headers["set-cookie"]).toBeUndefined();
    expect(anonymous.headers["cache-control"]).toContain("public");
  });

  it("never keeps a /join answer to a form post (errors, kept values)", async () => {
    server.pages.invalidate("all");
    const form = await rawGet("/join");
    const invalid = await new TestClient(server.url).post("/join", { name: "Sam", email: "not an email" });
    expect(invalid.status).toBe(400);
    const again = await rawGet("/join");
    expect(again.body.equals(form.body)).toBe(true);
    expect(again.body.toString()).not.toContain("not an email");
  });
});

describe("cleared exactly when a convener changes what a page shows", () => {
  async function convener(fields: Record<string, string | string[]> | FormData, to: string) {
    const res = await admin.post(to, fields);
    expect(res.status, `${to}: ${res.text.slice(0, 300)}`).toBe(302);
  }

  it("site text: every page's frame", async () => {
    const pages = publicPages().filter((p) => !p.startsWith("/api") && !p.endsWith(".txt") && !p.endsWith(".xml"));
    for (const p of pages) await read(p);
    const now = (await getCoalition(server.database.db))!;
    const fields: Record<string, string> = {
      shortName: now.shortName,
      tagline: now.tagline,
      about: now.about,
      vision: now.vision,
      context: now.context,
      convenerLine: now.convenerLine,
      contactEmail: now.contactEmail,
      inquiryRetentionMonths: String(now.inquiryRetentionMonths),
    };
    for (const pillar of await listPillars(server.database.db)) fields[pillar.key] = pillar.description;
    // The workspace's frame (the site's name in its header) is kept too, and cleared with the pages.
    expect((await admin.get("/app")).text).not.toContain("The Renamed Table");
    await convener({ ...fields, intent: "save", name: "The Renamed Table" }, "/app/site");
    for (const p of pages) expect(await read(p), p).toContain("The Renamed Table");
    expect((await admin.get("/app")).text).toContain("The Renamed Table");
    await convener({ ...fields, intent: "save", name: "Patient CARE Working Table" }, "/app/site");
  });

  it("organizations: added, renamed, left, given a logo, its logo removed, and one made from an inquiry", async () => {
    const pages = ["/", "/members", "/pillars/equity"];
    const warm = () => Promise.all(pages.map(read));

    await warm();
    const name = unique("Kidney Alliance");
    await convener({ name, pillars: "equity", votingMember: "on" }, "/app/organizations/new");
    for (const p of pages) expect(await read(p), p).toContain(name);
    const [org] = await server.database.db.select().from(organizations).where(eq(organizations.name, name));

    await warm();
    const renamed = unique("Kidney Coalition");
    await convener(
      { intent: "save", name: renamed, shortName: "", pillars: "equity", votingMember: "on" },
      `/app/organizations/${org!.id}`,
    );
    for (const p of pages) expect(await read(p), p).toContain(renamed);

    await warm();
    const form = new FormData();
    form.append("intent", "logo");
    form.append("logo", new Blob([new Uint8Array(PNG_7x5)], { type: "image/png" }), "logo.png");
    await convener(form, `/app/organizations/${org!.id}`);
    for (const p of pages) expect(await read(p), p).toMatch(new RegExp(`/logos/${org!.id}/`));

    await warm();
    await convener({ intent: "remove-logo" }, `/app/organizations/${org!.id}`);
    for (const p of pages) expect(await read(p), p).not.toMatch(new RegExp(`/logos/${org!.id}/`));

    await warm();
    await convener({ intent: "status", status: "left" }, `/app/organizations/${org!.id}`);
    for (const p of pages) expect(await read(p), p).not.toContain(renamed);

    await warm();
    const sent = await new TestClient(server.url).post("/join", {
      name: "Robin Writer",
      email: `${unique("robin")}@example.org`,
      organization: "Hearing Friends",
      kind: "patient_advocacy",
      message: "We would like to join the table.",
    });
    expect(sent.status).toBe(303);
    const [inquiry] = await server.database.db.select().from(inquiries).where(eq(inquiries.organizationName, "Hearing Friends"));
    const fromInquiry = unique("Hearing Friends");
    const accepted = await admin.post(`/app/inquiries/${inquiry!.id}`, { intent: "accept", organizationName: fromInquiry, canVote: "on" });
    expect(accepted.status).toBeLessThan(400);
    for (const p of ["/", "/members"]) expect(await read(p), p).toContain(fromInquiry);
  });

  it("positions: published, renamed, superseded, withdrawn, and released from embargo", async () => {
    const lists = ["/", "/positions", "/pillars/coverage", "/feed.atom", "/api/positions"];
    const warm = () => Promise.all([...lists, `/positions/${slug}`, `/api/positions/${slug}`].map(read));

    await warm();
    const { roundId } = await adoptProposal(server, admin, { title: "Second", text: "A second adopted text." });
    await convener(
      { title: "Dental care for all", summary: "Health plans should cover dental care.", releaseAt: "" },
      `/app/rounds/${roundId}/publish`,
    );
    for (const p of lists) expect(await read(p), p).toContain("Dental care for all");
    const [dental] = await server.database.db.select().from(positions).where(eq(positions.roundId, roundId));

    await warm();
    await convener(
      { intent: "revise", title: "Dental care for everyone", summary: "Health plans should cover dental care." },
      `/app/positions/${dental!.id}`,
    );
    for (const p of [...lists, "/positions/dental-care-for-everyone", "/api/positions/dental-care-for-everyone"]) {
      expect(await read(p), p).toContain("Dental care for everyone");
    }

    await warm();
    const [first] = await server.database.db.select().from(positions).where(eq(positions.slug, slug));
    await convener({ intent: "supersede", successorId: dental!.id, confirm: "yes" }, `/app/positions/${first!.id}`);
    expect(await read(`/positions/${slug}`)).toContain("This position was superseded");
    expect(JSON.parse(await read(`/api/positions/${slug}`)).status).toBe("superseded");
    expect(await read("/feed.atom")).toContain("Superseded: Care close to home");

    await warm();
    await convener({ intent: "withdraw", reason: "Overtaken by the new law.", confirm: "yes" }, `/app/positions/${dental!.id}`);
    expect(await read("/positions/dental-care-for-everyone")).toContain("This position was withdrawn.");
    expect(await read("/feed.atom")).toContain("Withdrawn: Dental care for everyone");

    const embargoed = await adoptProposal(server, admin, { title: "Third", text: "A third adopted text." });
    const release = new Intl.DateTimeFormat("sv-SE", { timeZone: "America/New_York", dateStyle: "short", timeStyle: "short" })
      .format(new Date(Date.now() + 3_600_000))
      .replace(" ", "T");
    await convener(
      { title: "Vision care later", summary: "Health plans should cover eye care.", releaseAt: release },
      `/app/rounds/${embargoed.roundId}/publish`,
    );
    await warm();
    for (const p of lists) expect(await read(p), p).not.toContain("Vision care later");
    await server.database.db
      .update(positions)
      .set({ releaseAt: new Date(Date.now() - 1000) })
      .where(eq(positions.roundId, embargoed.roundId));
    await server.rounds.runOnce();
    for (const p of lists) expect(await read(p), p).toContain("Vision care later");
  });

  it("keeps other pages when only organizations change", async () => {
    server.pages.invalidate("all");
    await read("/feed.atom");
    await read(`/positions/${slug}`);
    await read("/members");
    expect(server.pages.size).toBe(3);
    // A position page links its endorsers' websites as they are now: it goes with the member wall.
    server.pages.invalidate("organizations");
    expect(server.pages.size).toBe(1);
    server.pages.invalidate("positions");
    expect(server.pages.size).toBe(0);
  });
});

describe("compression", () => {
  const identityOf = (res: RawResponse) =>
    res.headers["content-encoding"] === "br"
      ? zlib.brotliDecompressSync(res.body)
      : res.headers["content-encoding"] === "gzip"
        ? zlib.gunzipSync(res.body)
        : res.body;

  it("sends kept pages as Brotli or gzip by Accept-Encoding, the same bytes once decoded, and plain without the header", async () => {
    for (const page of ["/", "/api/positions", "/feed.atom", `/positions/${slug}`]) {
      for (const round of ["miss", "hit"]) {
        if (round === "miss") server.pages.invalidate("all");
        const plain = await rawGet(page);
        expect(plain.headers["content-encoding"], page).toBeUndefined();
        expect(plain.headers.vary, page).toMatch(/Accept-Encoding/i);
        for (const [accept, coding] of [
          ["gzip, deflate, br", "br"],
          ["gzip", "gzip"],
          ["br;q=0, gzip", "gzip"],
          ["identity", undefined],
        ] as const) {
          const coded = await rawGet(page, { "Accept-Encoding": accept });
          expect(coded.headers["content-encoding"], `${page} ${accept} (${round})`).toBe(coding);
          expect(coded.headers.vary).toMatch(/Accept-Encoding/i);
          expect(identityOf(coded).equals(plain.body), `${page} ${accept}`).toBe(true);
          if (coding) expect(coded.body.byteLength).toBeLessThan(plain.body.byteLength);
          // Its ETag names the coding; sent back, it is the same page.
          const again = await rawGet(page, { "Accept-Encoding": accept, "If-None-Match": coded.headers.etag! });
          expect(again.status).toBe(304);
        }
      }
    }
  });

  it("compresses what is not kept on the fly: signed-in pages, later result pages", async () => {
    const signedIn = await new Promise<RawResponse>((resolve, reject) => {
      const req = http.get(
        new URL("/app/proposals", server.url),
        { headers: { "Accept-Encoding": "br", Cookie: `care_session=${admin.cookie("care_session")}` } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
        },
      );
      req.on("error", reject);
    });
    expect(signedIn.status).toBe(200);
    expect(signedIn.headers["content-encoding"]).toBe("br");
    expect(identityOf(signedIn).toString()).toContain("<html");
    const later = await rawGet("/positions?page=2", { "Accept-Encoding": "gzip" });
    expect(later.headers["content-encoding"]).toBe("gzip");
    expect(identityOf(later).toString()).toContain("Adopted positions");
  });

  it("sends the build's own Brotli and gzip copies of static files, the editor's chunk among them", async () => {
    const builtJs: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith(".js")) builtJs.push(full);
      }
    };
    walk(path.join(publicFolder, "build"));
    const editor = builtJs.find((f) => fs.readFileSync(f, "utf8").includes("ProseMirror"));
    expect(editor).toBeDefined();
    const address = "/" + path.relative(publicFolder, editor!).split(path.sep).join("/");
    const original = fs.readFileSync(editor!);
    const plain = await rawGet(address);
    expect(plain.status).toBe(200);
    expect(plain.headers["content-encoding"]).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
    expect(plain.headers.vary).toMatch(/Accept-Encoding/i);
    for (const [accept, coding] of [
      ["gzip, deflate, br", "br"],
      ["gzip", "gzip"],
    ] as const) {
      const coded = await rawGet(address, { "Accept-Encoding": accept });
      expect(coded.status).toBe(200);
      expect(coded.headers["content-encoding"]).toBe(coding);
      expect(coded.headers["content-type"]).toMatch(/javascript/);
      expect(coded.headers["cache-control"]).toContain("immutable");
      expect(Number(coded.headers["content-length"])).toBe(coded.body.byteLength);
      expect(coded.body.byteLength).toBeLessThan(original.byteLength / 2);
      expect(identityOf(coded).equals(original)).toBe(true);
    }
    const css = await rawGet("/favicon.svg", { "Accept-Encoding": "br" });
    expect(css.status).toBe(200);
  });
});

/**
 * Every public page against a bare Node HTTP server sending the same bytes (DESIGN.md §8): on the
 * embedded database and on PostgreSQL, the built server in its own process, the bare server in
 * another, autocannon at 10 connections from this one, each page in turn, in one run. Requests ask
 * for `gzip, deflate, br` as browsers do. Also the bytes of JavaScript per route (gzip), the
 * server's resident memory idle on an empty embedded database, and the machine's load average.
 */
import autocannon from "autocannon";
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import { openDatabase, type Database } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { seedCoalition } from "../db/queries/coalition";
import { createSession } from "../db/queries/sessions";
import { readCoalitionProfile } from "../server/boot";
import { migrationsFolder } from "../server/paths";
import { makeProposal } from "../tests/support/collab";
import { makePerson, signInAs } from "../tests/support/factories";
import { TestClient } from "../tests/support/http";
import { freePort, startServerProcess, temporaryDataDir, type ServerProcess } from "../tests/support/process";
import { adoptProposal } from "../tests/support/rounds";
import { startTestServer } from "../tests/support/server";
import { emptyEmbeddedIdle } from "./idle-memory";
import { benchNodeArgs } from "./node-args";
import { scratchDatabase } from "./scratch-database";

const ACCEPT = "gzip, deflate, br";

export interface PageFigures {
  rps: number;
  p99Ms: number;
  bareRps: number;
  bareP99Ms: number;
  ratio: number;
  bytes: number;
  /** Answers other than 200 (should be 0). */
  unexpected: number;
}

export interface PublicPagesBench {
  loadAverage: { before: number[]; after: number[] };
  pglite: Record<string, PageFigures>;
  postgres: Record<string, PageFigures>;
  javascript: Record<string, { files: number; bytes: number; gzip: number; lazyGzip: number }>;
  /** Idle resident memory of the embedded default on an empty database, at 30 s (and at 5 s). */
  memory: { idleEmptyPgliteMb: number; idleEmptyPgliteAfter5sMb: number };
  budgets: { ratio: { worst: number; limit: number; ok: boolean }; p99: { worst: number; limit: number; ok: boolean } };
}

interface Sample {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function rawGet(url: string, headers: Record<string, string>): Promise<Sample> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on("error", reject);
  });
}

async function load(url: string, seconds: number) {
  const result = await autocannon({ url, connections: 10, duration: seconds, headers: { "accept-encoding": ACCEPT } });
  return {
    rps: Math.round(result.requests.average),
    p99Ms: result.latency.p99,
    unexpected: result.non2xx + result.errors + result.timeouts,
  };
}

/** A bare Node HTTP server in its own process answering each path with the recorded headers and bytes. */
async function startBareServer(samples: Record<string, Sample>): Promise<{ url: string; stop(): Promise<void> }> {
  const file = path.join(os.tmpdir(), `care-bench-bare-${process.pid}.json`);
  const drop = new Set(["date", "connection", "keep-alive", "transfer-encoding"]);
  fs.writeFileSync(
    file,
    JSON.stringify(
      Object.fromEntries(
        Object.entries(samples).map(([p, s]) => [
          p,
          { headers: Object.fromEntries(Object.entries(s.headers).filter(([k]) => !drop.has(k))), body: s.body.toString("base64") },
        ]),
      ),
    ),
  );
  const port = await freePort();
  const script = `
    const http = require("node:http");
    const pages = JSON.parse(require("node:fs").readFileSync(process.argv[1], "utf8"));
    for (const p of Object.values(pages)) p.body = Buffer.from(p.body, "base64");
    http.createServer((req, res) => {
      const page = pages[req.url];
      if (!page) { res.writeHead(404); res.end(); return; }
      res.writeHead(200, page.headers);
      res.end(page.body);
    }).listen(Number(process.argv[2]), "127.0.0.1", () => console.log("listening"));`;
  const child: ChildProcess = spawn(process.execPath, ["-e", script, file, String(port)], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((resolve) => child.stdout!.once("data", () => resolve()));
  return {
    url: `http://127.0.0.1:${port}`,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      fs.rmSync(file, { force: true });
    },
  };
}

/** Fills a database through the real application (in this process): a published position, a draft, a session. */
async function prepare(database: Database) {
  const server = await startTestServer({ database, roundScheduler: false });
  try {
    const db = database.db;
    const convener = await makePerson(db, { role: "convener" });
    const admin = new TestClient(server.url);
    await signInAs(db, admin, convener.id);
    const text = Array.from(
      { length: 40 },
      (_, i) => `Section ${i + 1}. Health plans should cover the care that patients need, on time.`,
    ).join(" ");
    const { roundId } = await adoptProposal(server, admin, { title: "Bench", text });
    const published = await admin.post(`/app/rounds/${roundId}/publish`, {
      title: "Timely care close to home",
      summary: "Patients should get the care they need quickly and near where they live.",
      releaseAt: "",
    });
    if (published.status !== 302) throw new Error(`publishing failed: ${published.status}`);
    const draft = await makeProposal(db, { title: "A draft" });
    const session = await createSession(db, convener.id);
    return { slug: "timely-care-close-to-home", draftId: draft.id, cookie: `care_session=${session.token}` };
  } finally {
    await server.close();
  }
}

const publicPaths = (slug: string) => [
  "/",
  "/members",
  "/pillars/equity",
  "/positions",
  "/positions?pillar=coverage",
  "/positions?q=care",
  `/positions/${slug}`,
  "/join",
  "/feed.atom",
  "/api/positions",
  `/api/positions/${slug}`,
  "/sitemap.xml",
  "/robots.txt",
];

async function measurePages(server: ServerProcess, slug: string, seconds: number, log: (line: string) => void) {
  const samples: Record<string, Sample> = {};
  for (const p of publicPaths(slug)) {
    samples[p] = await rawGet(server.url + p, { "accept-encoding": ACCEPT });
    if (samples[p]!.status !== 200) throw new Error(`${p} answered ${samples[p]!.status}`);
  }
  const bare = await startBareServer(samples);
  const figures: Record<string, PageFigures> = {};
  try {
    // The server has just started: warm both up before the first figure.
    await load(server.url + "/", 3);
    await load(bare.url + "/", 3);
    for (const p of publicPaths(slug)) {
      await load(server.url + p, 1);
      const ours = await load(server.url + p, seconds);
      await load(bare.url + p, 1);
      const theirs = await load(bare.url + p, seconds);
      figures[p] = {
        rps: ours.rps,
        p99Ms: ours.p99Ms,
        bareRps: theirs.rps,
        bareP99Ms: theirs.p99Ms,
        ratio: Math.round((ours.rps / theirs.rps) * 100) / 100,
        bytes: samples[p]!.body.byteLength,
        unexpected: ours.unexpected,
      };
      log(`${p}: ${ours.rps}/s p99 ${ours.p99Ms} ms; bare ${theirs.rps}/s p99 ${theirs.p99Ms} ms; ratio ${figures[p]!.ratio}`);
    }
  } finally {
    await bare.stop();
  }
  return figures;
}

/**
 * Every script a page loads: module preloads, the modules they import, and those it imports
 * lazily (`import(…)`, the editor), with their gzip size; `lazyGzip` is the part loaded lazily.
 */
async function javascriptOf(server: ServerProcess, pathname: string, cookie?: string) {
  const html = (await rawGet(server.url + pathname, cookie ? { cookie } : {})).body.toString();
  const queue: { address: string; lazy: boolean }[] = [];
  for (const m of html.matchAll(/<(?:link rel="modulepreload"|script[^>]*) (?:href|src)="([^"]+\.js)"/g))
    queue.push({ address: m[1]!, lazy: false });
  for (const m of html.matchAll(/import\s*(?:[^"']*from\s*)?["']([^"']+\.js)["']/g)) queue.push({ address: m[1]!, lazy: false });
  const seen = new Map<string, { body: Buffer; lazy: boolean }>();
  while (queue.length > 0) {
    const next = queue.shift()!;
    const address = new URL(next.address, server.url).pathname;
    const known = seen.get(address);
    if (known) {
      known.lazy &&= next.lazy;
      continue;
    }
    const body = (await rawGet(server.url + address, {})).body;
    seen.set(address, { body, lazy: next.lazy });
    for (const m of body.toString().matchAll(/(from|import)\s*(\(?)\s*["']((?:\.{1,2})?\/[^"']+\.js)["']/g)) {
      queue.push({ address: new URL(m[3]!, server.url + address).pathname, lazy: next.lazy || m[2] === "(" });
    }
  }
  let bytes = 0;
  let gzip = 0;
  let lazyGzip = 0;
  for (const { body, lazy } of seen.values()) {
    const size = zlib.gzipSync(body).byteLength;
    bytes += body.byteLength;
    gzip += size;
    if (lazy) lazyGzip += size;
  }
  return { files: seen.size, bytes, gzip, lazyGzip };
}

export async function runPublicPagesBench(options: { seconds?: number; log?: (line: string) => void } = {}): Promise<PublicPagesBench> {
  const seconds = options.seconds ?? 5;
  const log = options.log ?? (() => {});
  const before = os.loadavg().map((l) => Math.round(l * 100) / 100);

  log("memory, idle, empty embedded database (5 s and 30 s)…");
  const idleEmpty = await emptyEmbeddedIdle();

  log("embedded database (PGlite)…");
  const dataDir = temporaryDataDir("care-bench-pages-");
  const embedded = await openDatabase({ dataDir });
  await migrateDatabase(embedded, migrationsFolder);
  await seedCoalition(embedded.db, readCoalitionProfile());
  const prepared = await prepare(embedded);
  await embedded.close();
  let pglite: Record<string, PageFigures>;
  let javascript: PublicPagesBench["javascript"] = {};
  const pgliteServer = await startServerProcess({ dataDir, env: { LOG_LEVEL: "warn" }, nodeArgs: benchNodeArgs() });
  try {
    pglite = await measurePages(pgliteServer, prepared.slug, seconds, log);
    javascript = {
      "/ (public)": await javascriptOf(pgliteServer, "/"),
      "/positions/:slug (public)": await javascriptOf(pgliteServer, `/positions/${prepared.slug}`),
      "/app/proposals (workspace, no editor)": await javascriptOf(pgliteServer, "/app/proposals", prepared.cookie),
      "/app/people (workspace form)": await javascriptOf(pgliteServer, "/app/people", prepared.cookie),
      "/app/proposals/:id (editor)": await javascriptOf(pgliteServer, `/app/proposals/${prepared.draftId}`, prepared.cookie),
    };
  } finally {
    await pgliteServer.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }

  log("PostgreSQL…");
  const scratch = await scratchDatabase("care_table_bench_pages");
  let postgres: Record<string, PageFigures>;
  try {
    const pgPrepared = await prepare(scratch.database);
    const pgServer = await startServerProcess({ env: { DATABASE_URL: scratch.url, LOG_LEVEL: "warn" }, nodeArgs: benchNodeArgs() });
    try {
      postgres = await measurePages(pgServer, pgPrepared.slug, seconds, log);
    } finally {
      await pgServer.stop();
    }
  } finally {
    await scratch.drop();
  }

  log("| page | PGlite req/s (p99) | bare | ratio | PostgreSQL req/s (p99) | bare | ratio | bytes sent (br) |");
  log("| --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const p of Object.keys(pglite)) {
    const a = pglite[p]!;
    const b = postgres[p]!;
    const n = (v: number) => v.toLocaleString("en-US");
    log(
      `| \`${p}\` | ${n(a.rps)} (${a.p99Ms} ms) | ${n(a.bareRps)} (${a.bareP99Ms} ms) | ${a.ratio} | ${n(b.rps)} (${b.p99Ms} ms) | ${n(b.bareRps)} (${b.bareP99Ms} ms) | ${b.ratio} | ${n(a.bytes)} |`,
    );
  }
  const all = [...Object.values(pglite), ...Object.values(postgres)];
  const worstRatio = Math.min(...all.map((f) => f.ratio));
  const worstP99 = Math.max(...all.map((f) => f.p99Ms));
  return {
    loadAverage: { before, after: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    pglite,
    postgres,
    javascript,
    memory: { idleEmptyPgliteMb: idleEmpty.settled, idleEmptyPgliteAfter5sMb: idleEmpty.soon },
    budgets: {
      ratio: { worst: worstRatio, limit: 0.5, ok: worstRatio >= 0.5 },
      p99: { worst: worstP99, limit: 5, ok: worstP99 < 5 },
    },
  };
}

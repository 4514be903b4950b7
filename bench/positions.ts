/**
 * Public position page benchmark (DESIGN.md §8): requests per second and p99 of /positions/:slug
 * beside the same HTML served as a static file by the same server, in one run (autocannon, 10
 * connections, 10 s each), on PostgreSQL. Budget: at least half the static rate, p99 < 20 ms.
 */
import autocannon from "autocannon";
import fs from "node:fs";
import path from "node:path";
import { createSession } from "../db/queries/sessions";
import { createPerson } from "../db/queries/people";
import { publicFolder } from "../server/paths";
import { TestClient } from "../tests/support/http";
import { startServerProcess } from "../tests/support/process";
import { adoptProposal } from "../tests/support/rounds";
import { scratchDatabase } from "./scratch-database";

export interface PositionsBenchResult {
  page: { rps: number; p50Ms: number; p99Ms: number; bytes: number };
  static: { rps: number; p50Ms: number; p99Ms: number };
  ratio: number;
  budgets: { ratio: { value: number; limit: number; ok: boolean }; p99: { value: number; limit: number; ok: boolean } };
}

async function load(url: string, seconds: number) {
  const result = await autocannon({ url, connections: 10, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  return { rps: Math.round(result.requests.average), p50Ms: result.latency.p50, p99Ms: result.latency.p99 };
}

export async function runPositionsBench(options: { databaseUrl?: string; seconds?: number } = {}): Promise<PositionsBenchResult> {
  const seconds = options.seconds ?? 10;
  const scratch = await scratchDatabase("care_table_bench_positions", options.databaseUrl);
  const staticFile = path.join(publicFolder, "bench-position.html");
  const server = await startServerProcess({ env: { DATABASE_URL: scratch.url, LOG_LEVEL: "warn" } });
  try {
    const db = scratch.database.db;
    const convener = await createPerson(db, {
      email: "bench@example.org",
      name: "Bench",
      passwordHash: "!",
      role: "convener",
      organizationId: null,
      canVote: false,
    });
    const admin = new TestClient(server.url);
    admin.setCookie("care_session", (await createSession(db, convener.id)).token);
    const text = Array.from(
      { length: 40 },
      (_, i) => `Section ${i + 1}. Health plans should cover the care that patients need, on time and close to home.`,
    ).join(" ");
    const { roundId } = await adoptProposal({ database: scratch.database, url: server.url }, admin, { title: "Bench", text });
    const published = await admin.post(`/app/rounds/${roundId}/publish`, {
      title: "Timely care close to home",
      summary: "Patients should get the care they need quickly and near where they live.",
      releaseAt: "",
    });
    if (published.status !== 302) throw new Error(`publishing failed: ${published.status}`);
    const pageUrl = `${server.url}/positions/timely-care-close-to-home`;
    const html = await (await fetch(pageUrl)).text();
    fs.writeFileSync(staticFile, html);
    // Warm both up (the page cache fills on the first request), then measure each in turn.
    await load(pageUrl, 2);
    await load(`${server.url}/bench-position.html`, 2);
    const page = await load(pageUrl, seconds);
    const stat = await load(`${server.url}/bench-position.html`, seconds);
    const ratio = Math.round((page.rps / stat.rps) * 100) / 100;
    return {
      page: { ...page, bytes: Buffer.byteLength(html) },
      static: stat,
      ratio,
      budgets: {
        ratio: { value: ratio, limit: 0.5, ok: ratio >= 0.5 },
        p99: { value: page.p99Ms, limit: 20, ok: page.p99Ms < 20 },
      },
    };
  } finally {
    fs.rmSync(staticFile, { force: true });
    await server.stop();
    await scratch.drop();
  }
}

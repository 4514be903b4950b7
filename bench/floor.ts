/**
 * The floor: what the fixed stack (Remix 2 and React 18 on Node, pg) costs on this machine with
 * none of the platform in it — no middleware, no session, no query builder, no checks — measured
 * the way the platform's budgets are (docs/decisions/098). A page of a list's shape and size
 * (`/table?rows=N`) at 10 connections, and 50 form posts at once answered with a redirect, with
 * no statement and with the round trips a ballot makes. Run beside `ballots` and `large-record`.
 */
import { execFileSync, fork } from "node:child_process";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { projectRoot } from "../server/paths";
import { bundleForNode } from "./bundle";
import { forkedServerArgs } from "./node-args";
import { processCpuMs } from "./process-usage";
import { benchServerUrl, percentile } from "./scratch-database";

const floorRoot = path.join(projectRoot, "bench", "floor");

const round = (n: number) => Math.round(n * 10) / 10;

/**
 * A ballot's round trips: the session, BEGIN, the round's lock, the ballot, the receipts, the audit
 * event, COMMIT, and the notice to the other processes. Nine were counted with a query log; the
 * audit event's lock and insert have been one call since docs/decisions/099.
 */
const BALLOT_ROUND_TRIPS = 8;

export async function runFloorBench(options: { seconds?: number; databaseUrl?: string; log?: (line: string) => void } = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const seconds = options.seconds ?? 5;
  execFileSync(process.execPath, [path.join(projectRoot, "node_modules", "@remix-run", "dev", "dist", "cli.js"), "build"], {
    cwd: floorRoot,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const outdir = path.join(projectRoot, "build", "bench-floor");
  await bundleForNode({ server: path.join(projectRoot, "bench", "floor-server.ts") }, outdir);
  const script = path.join(outdir, "server.js");
  const child = fork(script, [path.join(floorRoot, "build", "index.js")], {
    // The same Node.js options as the platform's servers, so that the two are compared on one runtime.
    execArgv: forkedServerArgs(),
    env: { ...process.env, NODE_ENV: "production", FLOOR_DATABASE_URL: benchServerUrl(options.databaseUrl) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      child.once("message", (m: { port: number }) => resolve(m.port));
      child.once("exit", (code) => reject(new Error(`floor server exited with ${code}`)));
    });
    const url = `http://127.0.0.1:${port}`;
    const pages: Record<string, { bytes: number; rps: number; p99Ms: number; cpuMsPerRequest: number }> = {};
    // 65 and 105 rows: about the sizes of the dashboard (34 KB) and of the proposals list (55 KB) at a tenth of the large record.
    for (const rows of [65, 105]) {
      const pathname = `/table?rows=${rows}`;
      const bytes = (await (await fetch(url + pathname)).arrayBuffer()).byteLength;
      await autocannon({ url: url + pathname, connections: 10, duration: 2 });
      const before = processCpuMs(child.pid!);
      const result = await autocannon({ url: url + pathname, connections: 10, duration: seconds });
      pages[pathname] = {
        bytes,
        rps: Math.round(result.requests.average),
        p99Ms: result.latency.p99,
        cpuMsPerRequest: round((processCpuMs(child.pid!) - before) / result.requests.total),
      };
      log(
        `${pathname} (${bytes} bytes): ${pages[pathname]!.rps}/s, p99 ${pages[pathname]!.p99Ms} ms, ${pages[pathname]!.cpuMsPerRequest} ms of CPU a request`,
      );
    }
    const posts: Record<string, { p50Ms: number; p99Ms: number; cpuMsPerPost: number }> = {};
    for (const statements of [0, BALLOT_ROUND_TRIPS]) {
      const post = async () => {
        const started = performance.now();
        const res = await fetch(`${url}/ballot?statements=${statements}`, {
          method: "POST",
          headers: { "Content-Type": "application/x-www-form-urlencoded" },
          body: new URLSearchParams({ intent: "cast", option: "endorse", reason: "bench" }),
          redirect: "manual",
        });
        await res.arrayBuffer();
        if (res.status !== 302) throw new Error(`post answered ${res.status}`);
        return performance.now() - started;
      };
      const latencies: number[] = [];
      let before = 0;
      // As the ballots benchmark: 10 rounds of 50 at once after one round of warm-up.
      for (let r = 0; r < 11; r++) {
        if (r === 1) before = processCpuMs(child.pid!);
        const times = await Promise.all(Array.from({ length: 50 }, post));
        if (r > 0) latencies.push(...times);
      }
      const key = `${statements} statements`;
      posts[key] = {
        p50Ms: round(percentile(latencies, 50)),
        p99Ms: round(percentile(latencies, 99)),
        cpuMsPerPost: Math.round(((processCpuMs(child.pid!) - before) / latencies.length) * 100) / 100,
      };
      log(
        `50 posts at once, ${key}: p50 ${posts[key]!.p50Ms} ms, p99 ${posts[key]!.p99Ms} ms, ${posts[key]!.cpuMsPerPost} ms of CPU a post`,
      );
    }
    return { pages, posts };
  } finally {
    child.kill();
  }
}

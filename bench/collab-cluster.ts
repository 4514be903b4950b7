/**
 * Collaboration across processes (issue 12), in one run on PostgreSQL and Redis: the in-memory
 * relay, then one, two and three collaboration processes sharing one database (and, for two and
 * three, Redis) behind a real nginx (deploy/nginx.conf, round-robin), each with the same load:
 * D documents × E editors × 1 update/s; each connection learns from its upgrade's X-Care-Instance
 * which process nginx gave it, so most pairs of editors are on different processes. Reported
 * per configuration: updates per second handled, end-to-end p50/p99 (an edit on one client → seen
 * on another), the cross-process end-to-end p99 on its own, edit → Saved p99, server p99, and the
 * machine's load average (os.loadavg) while it ran.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import { performance } from "node:perf_hooks";
import {
  BenchClient,
  type BenchSinks,
  benchEditors,
  benchProposal,
  bundleServer,
  removeServerBundle,
  startChild,
  type ChildServer,
} from "./collab";
import { freePort } from "../tests/support/process";
import { startNginx, stopNginx } from "../tests/support/nginx";
import { benchServerUrl, percentile, scratchDatabase } from "./scratch-database";

export interface ClusterBenchOptions {
  databaseUrl?: string;
  redisUrl?: string;
  /** Offered loads, as numbers of documents (each with `editorsPerDocument` editors, 1 update/s each). */
  documents?: number[];
  editorsPerDocument?: number;
  seconds?: number;
  log?: (line: string) => void;
}

interface RunFigures {
  processes: number;
  updatesPerSecond: number;
  endToEndP50Ms: number;
  endToEndP99Ms: number;
  crossProcessP99Ms: number | null;
  sameProcessP99Ms: number;
  savedP99Ms: number | null;
  serverP99Ms: number;
  loadAverage1m: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

/**
 * Editors of each document on the given servers: the relay directly, the collaboration processes
 * through `proxyUrl` (nginx, round-robin), each connection learning which process it reached.
 */
async function runSpread(
  servers: ChildServer[],
  targets: { proposalId: string; cookie: string }[],
  editors: number,
  seconds: number,
  proxyUrl: string | null,
): Promise<RunFigures> {
  const durable = proxyUrl !== null;
  const cross: number[] = [];
  const same: number[] = [];
  const sinks: BenchSinks = {
    endToEnd: [],
    saved: [],
    delivered: (latency, sender, receiver) => (sender.instance === receiver.instance ? same : cross).push(latency),
  };
  const clients: BenchClient[] = [];
  for (let i = 0; i < targets.length; i += 20) {
    const batch: BenchClient[] = [];
    for (const target of targets.slice(i, i + 20)) {
      for (let e = 0; e < editors; e++) {
        const client = new BenchClient(`e${e}`, sinks);
        if (proxyUrl) {
          client.connect(`${proxyUrl.replace(/^http/, "ws")}/collab/${target.proposalId}?saved=1`, {
            Origin: proxyUrl,
            Cookie: target.cookie,
          });
        } else {
          const server = servers[e % servers.length]!;
          client.connect(`ws://127.0.0.1:${server.port}/${target.proposalId}`, { Origin: `http://127.0.0.1:${server.port}` });
        }
        batch.push(client);
      }
    }
    await Promise.all(batch.map((c) => c.synced));
    clients.push(...batch);
  }
  const timers = clients.map((c) => {
    let interval: NodeJS.Timeout | undefined;
    const start = setTimeout(() => {
      c.edit();
      interval = setInterval(() => c.edit(), 1000);
    }, Math.random() * 1000);
    return () => {
      clearTimeout(start);
      if (interval) clearInterval(interval);
    };
  });
  await new Promise((r) => setTimeout(r, 5000));
  await Promise.all(servers.map((s) => s.request("reset")));
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(os.loadavg()[0]!), 1000);
  for (const c of clients) c.measuring = true;
  const started = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  for (const c of clients) c.measuring = false;
  const elapsed = (performance.now() - started) / 1000;
  clearInterval(sampler);
  for (const stop of timers) stop();
  const reports = await Promise.all(servers.map((s) => s.request<{ latencies: number[] }>("report")));
  for (const c of clients) c.close();
  const latencies = reports.flatMap((r) => r.latencies);
  return {
    processes: servers.length,
    updatesPerSecond: Math.round(latencies.length / elapsed),
    endToEndP50Ms: round(percentile(sinks.endToEnd, 50)),
    endToEndP99Ms: round(percentile(sinks.endToEnd, 99)),
    crossProcessP99Ms: cross.length > 0 ? round(percentile(cross, 99)) : null,
    sameProcessP99Ms: round(percentile(same, 99)),
    savedP99Ms: durable ? round(percentile(sinks.saved, 99)) : null,
    serverP99Ms: round(percentile(latencies, 99)),
    loadAverage1m: round(Math.max(...loads)),
  };
}

/** Runs the relay and 1, 2, 3 collaboration processes once each and returns their figures. */
export async function runCollabClusterBench(options: ClusterBenchOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  const baseUrl = benchServerUrl(options.databaseUrl);
  const redisUrl = options.redisUrl ?? process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const loads = options.documents ?? [50, 100, 200];
  const editors = options.editorsPerDocument ?? 5;
  const seconds = options.seconds ?? 15;
  const scratch = await scratchDatabase("care_table_bench", baseUrl);
  const databaseUrl = scratch.url;
  const children: ChildServer[] = [];
  let script: string | undefined;
  try {
    const db = scratch.database.db;
    const { organization, cookies } = await benchEditors(db);
    /** Fresh documents per run, so that no run starts from another's text. */
    const makeTargets = async (documents: number) => {
      const targets: { proposalId: string; cookie: string }[] = [];
      for (let i = 0; i < documents; i++) {
        const p = await benchProposal(db, organization.id, `Bench ${i}`);
        targets.push({ proposalId: p.id, cookie: cookies[i % cookies.length]! });
      }
      return targets;
    };
    script = await bundleServer();
    log(
      `Collaboration across processes: ${loads.join(" and ")} documents × ${editors} editors × 1 update/s, ${seconds} s measured per run`,
    );
    const runs: Record<string, RunFigures> = {};
    for (const documents of loads) {
      const relay = await startChild(script, "relay", {});
      children.push(relay);
      runs[`relay@${documents * editors}`] = await runSpread([relay], await makeTargets(documents), editors, seconds, null);
      await relay.stop();
      for (const n of [1, 2, 3]) {
        const prefix = `bench-${crypto.randomBytes(4).toString("hex")}:`;
        const proxyPort = await freePort();
        const proxyUrl = `http://127.0.0.1:${proxyPort}`;
        const env: Record<string, string> = {
          BENCH_DATABASE_URL: databaseUrl,
          BENCH_PUBLIC_URL: proxyUrl,
          ...(n > 1 ? { BENCH_REDIS_URL: redisUrl, BENCH_REDIS_PREFIX: prefix } : {}),
        };
        const servers: ChildServer[] = [];
        for (let i = 0; i < n; i++) servers.push(await startChild(script, "durable", { ...env, BENCH_INSTANCE: `p${i + 1}` }));
        children.push(...servers);
        const nginx = await startNginx({ port: proxyPort, upstreams: servers.map((s) => s.port), accessLog: false });
        let figures: RunFigures;
        try {
          figures = await runSpread(servers, await makeTargets(documents), editors, seconds, proxyUrl);
        } finally {
          await stopNginx(nginx.child);
          fs.rmSync(nginx.prefix, { recursive: true, force: true });
        }
        runs[`processes${n}@${documents * editors}`] = figures;
        for (const s of servers) await s.stop();
        log(
          `  ${documents * editors} offered, ${n} process(es): ${figures.updatesPerSecond} updates/s, e2e p99 ${figures.endToEndP99Ms} ms (cross-process ${figures.crossProcessP99Ms ?? "–"} ms), Saved p99 ${figures.savedP99Ms} ms, load ${figures.loadAverage1m}`,
        );
      }
    }
    return { load: { documents: loads, editors, seconds, cpus: os.cpus().length }, runs };
  } finally {
    for (const c of children) if (c.child.exitCode === null && c.child.signalCode === null) await c.stop();
    if (script) removeServerBundle();
    await scratch.drop();
  }
}

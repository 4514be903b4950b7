/**
 * A benchmark server process on 127.0.0.1: `durable` (the real collaboration server on
 * PostgreSQL), `relay` (the plain in-memory relay) or `stored-relay` (that relay with the update
 * log and "Saved"). Controlled by the parent over IPC: "reset" starts a measurement, "report"
 * answers with the server latencies and the resident memory.
 */
import http from "node:http";
import { monitorEventLoopDelay, performance, PerformanceObserver } from "node:perf_hooks";
import type { AddressInfo } from "node:net";
import { openDatabase } from "../db/client";
import { createCollaboration } from "../server/collab/index";
import { createLogger } from "../server/logger";
import { collectWhenQuiet } from "../server/quiet-collection";
import { serverNodeFlags } from "../scripts/node-flags.js";
import { startRelay } from "./relay";

const mode = process.argv[2];
const latencies: { values: number[] | null } = { values: null };
const server = http.createServer((_req, res) => res.end("bench"));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const { port } = server.address() as AddressInfo;
let hubLatencies: (values: number[] | null) => void = () => {};

if (mode === "durable") {
  const database = await openDatabase({ url: process.env.BENCH_DATABASE_URL! });
  const log = createLogger("error");
  const collab = createCollaboration({
    db: database.db,
    log,
    // Behind nginx (bench/collab-cluster.ts) the public URL is the proxy's.
    publicUrl: process.env.BENCH_PUBLIC_URL ?? `http://127.0.0.1:${port}`,
    instance: process.env.BENCH_INSTANCE,
    secure: false,
    // The benchmark's clients all come from one address and a few people.
    limits: { maxConnectionsPerAddress: 5000, maxConnectionsPerPerson: 1000, maxConnectionsPerDocument: 1000, unloadDelayMs: 60_000 },
    // Several benchmark processes share their documents through Redis (bench/collab-cluster.ts).
    // The burst scenario compares the derive on this thread (0) with the worker (default 1).
    deriveWorkers: process.env.BENCH_DERIVE_WORKERS ? Number(process.env.BENCH_DERIVE_WORKERS) : undefined,
    redis: process.env.BENCH_REDIS_URL
      ? { url: process.env.BENCH_REDIS_URL, prefix: process.env.BENCH_REDIS_PREFIX ?? "bench:" }
      : undefined,
  });
  await collab.start();
  collab.attach(server);
  // As the real server does (server/services.ts). This process has gc for its report on every
  // Node; the server has it, and collects, only where its own options expose it (Node 24).
  collectWhenQuiet({
    activity: () => collab.changes(),
    log,
    collect: serverNodeFlags().includes("--expose-gc") ? undefined : null,
  });
  if (process.env.BENCH_DEBUG) {
    setInterval(() => {
      const loop = performance.now();
      setImmediate(() =>
        console.error(
          `pending ${collab.hub.rooms.writer.pending} loaded ${collab.hub.loadedProposals.length} lag ${(performance.now() - loop).toFixed(1)}ms derive jobs ${(collab.hub.rooms.deriver as { jobsHanded?: number }).jobsHanded ?? "-"} cpu ${JSON.stringify(process.cpuUsage())}`,
        ),
      );
    }, 1000).unref();
  }
  hubLatencies = (values) => {
    collab.hub.latencies = values;
  };
} else if (mode === "stored-relay") {
  const database = await openDatabase({ url: process.env.BENCH_DATABASE_URL! });
  startRelay(server, latencies, { db: database.db });
} else {
  startRelay(server, latencies);
}

const loopDelay = monitorEventLoopDelay({ resolution: 5 });
loopDelay.enable();
// The garbage collector's pauses of this thread since "reset" or the last report (a forced
// collection for the memory figure is not counted): the tail of a relaying thread.
let gcPauses: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcPauses.push(entry.duration);
}).observe({ entryTypes: ["gc"] });

process.on("message", (message: { type: string }) => {
  if (message.type === "reset") {
    loopDelay.reset();
    gcPauses = [];
    latencies.values = [];
    hubLatencies(latencies.values);
    process.send!({ type: "reset" });
  } else if (message.type === "report") {
    const pauses = gcPauses;
    gcPauses = [];
    (globalThis as { gc?: () => void }).gc?.();
    process.send!({
      type: "report",
      latencies: latencies.values ?? [],
      rss: process.memoryUsage().rss,
      heapUsed: process.memoryUsage().heapUsed,
      loopDelayP99Ms: loopDelay.percentile(99) / 1e6,
      loopDelayMaxMs: loopDelay.max / 1e6,
      gcPauses: pauses,
    });
  }
});
process.on("SIGINT", () => process.exit(0));
process.send!({ type: "ready", port });

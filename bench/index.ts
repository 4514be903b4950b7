/**
 * `npm run bench`: every benchmark, one after the other, on this machine, on PostgreSQL
 * (DATABASE_URL, TEST_DATABASE_URL, or postgres://postgres@127.0.0.1:5432/postgres). Figures are
 * printed and written to bench/results.json; budgets are reported, never asserted in tests.
 * `npm run bench -- ballots collab` runs only those.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { projectRoot } from "../server/paths";

// Loaded when chosen: each module may start work of its own.
const benches: Record<string, () => Promise<unknown>> = {
  "public-pages": async () =>
    (await import("./public-pages")).runPublicPagesBench({
      seconds: Number(process.env.BENCH_SECONDS ?? 5),
      log: (line) => console.log(`  ${line}`),
    }),
  "public-site": async () => (await import("./public-site")).runPublicSiteBench({ log: (line) => console.log(`  ${line}`) }),
  javascript: async () => (await import("./javascript")).runJavascriptBench({ log: (line) => console.log(`  ${line}`) }),
  ballots: async () => (await import("./ballots")).runBallotBench(),
  floor: async () => (await import("./floor")).runFloorBench({ log: (line) => console.log(`  ${line}`) }),
  positions: async () => (await import("./positions")).runPositionsBench(),
  "request-bodies": async () => (await import("./request-bodies")).runRequestBodyBench(),
  "large-record": async () =>
    (await import("./large-record")).runLargeRecordBench({
      seconds: Number(process.env.BENCH_SECONDS ?? 3),
      log: (line) => console.log(`  ${line}`),
    }),
  collab: async () => (await import("./collab")).runCollabBench({ log: (line) => console.log(`  ${line}`) }),
  "collab-cluster": async () => (await import("./collab-cluster")).runCollabClusterBench({ log: (line) => console.log(`  ${line}`) }),
};

const chosen = process.argv.slice(2).filter((a) => !a.startsWith("-"));
const results: Record<string, unknown> = {};
// Every server a benchmark starts runs on this Node.js (process.execPath): the figures are that
// version's. The Docker image runs Node 24; put its binary first on PATH to measure what it runs.
const runtime = { node: process.version, v8: process.versions.v8, cores: os.availableParallelism() };
console.log(`Node.js ${runtime.node} (V8 ${runtime.v8}), ${runtime.cores} cores, load average ${os.loadavg()[0]!.toFixed(2)}`);
for (const [name, run] of Object.entries(benches)) {
  if (chosen.length > 0 && !chosen.includes(name)) continue;
  console.log(`== ${name}`);
  const started = Date.now();
  results[name] = await run();
  console.log(JSON.stringify(results[name], null, 2));
  console.log(`(${((Date.now() - started) / 1000).toFixed(0)} s)`);
}
const file = path.join(projectRoot, "bench", "results.json");
fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), ...runtime, results }, null, 2) + "\n");
console.log(`Written: ${path.relative(process.cwd(), file)}`);

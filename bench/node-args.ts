import { serverNodeFlags } from "../scripts/node-flags.js";

/**
 * Node.js options a benchmark adds to its servers: `BENCH_NODE_ARGS` (split on spaces; V8's
 * garbage-collector settings, say, to measure what one buys), and with `BENCH_PROFILE=<dir>` a CPU
 * profile of each written there. `startServerProcess` puts the server's own options first.
 */
export function benchNodeArgs(): string[] {
  const given = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  const profile = process.env.BENCH_PROFILE;
  return [...given, ...(profile ? ["--cpu-prof", `--cpu-prof-dir=${profile}`] : [])];
}

/** For a benchmark's own server scripts (forked): the options the real server runs with, then the above. */
export function forkedServerArgs(): string[] {
  return [...serverNodeFlags(), ...benchNodeArgs()];
}

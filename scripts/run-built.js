// Runs one of the build's entry points in a process of its own, started with the Node.js options
// the server needs (scripts/node-flags.js): `npm start` runs the server this way, `npm run cli` the
// CLI, whose commands open the same database (on Node 24 the embedded one without the options
// peaked at 1.1 GB compiling PGlite, docs/decisions/100).
import { spawn } from "node:child_process";
import path from "node:path";
import { root } from "./ensure-build.js";
import { serverNodeFlags } from "./node-flags.js";

/**
 * Ctrl-C reaches both processes (one process group) and the child stops itself cleanly; a signal
 * sent to this process alone is passed on. Either way this one waits and ends as the child did.
 *
 * @param {string} entry a file of the build, from the project's root
 * @param {string[]} [args] the child's arguments
 */
export function runBuilt(entry, args = []) {
  const child = spawn(process.execPath, [...process.execArgv, ...serverNodeFlags(), path.join(root, entry), ...args], {
    stdio: "inherit",
  });
  process.on("SIGINT", () => {});
  for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGTERM" || signal === "SIGINT" ? 0 : 1)));
}

// `npm start`: builds if needed, then runs the server (which migrates the database and serves) in
// a process of its own, started with the Node.js options it needs (scripts/node-flags.js).
import { spawn } from "node:child_process";
import path from "node:path";
import { ensureBuild, root } from "./ensure-build.js";
import { serverNodeFlags } from "./node-flags.js";

ensureBuild();
const server = spawn(process.execPath, [...process.execArgv, ...serverNodeFlags(), path.join(root, "build/server/index.js")], {
  stdio: "inherit",
});
// Ctrl-C reaches both processes (one process group) and the server stops itself cleanly; a signal
// sent to this process alone is passed on. Either way this one waits and ends as the server did.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal === "SIGTERM" || signal === "SIGINT" ? 0 : 1)));

// `npm run cli -- <command>`: builds if needed (quietly), then runs the CLI in a process of its own,
// with the server's Node.js options (scripts/run-built.js).
import { ensureBuild } from "./ensure-build.js";
import { runBuilt } from "./run-built.js";

ensureBuild({ quiet: true });
runBuilt("build/server/cli.js", process.argv.slice(2));

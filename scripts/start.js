// `npm start`: builds if needed, then runs the server (which migrates the database and serves) in
// a process of its own, started with the Node.js options it needs (scripts/run-built.js).
import { ensureBuild } from "./ensure-build.js";
import { runBuilt } from "./run-built.js";

ensureBuild();
runBuilt("build/server/index.js");

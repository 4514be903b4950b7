// `npm start`: builds if needed, then runs the server (which migrates the database and serves).
import path from "node:path";
import { ensureBuild, root } from "./ensure-build.js";

ensureBuild();
await import(path.join(root, "build/server/index.js"));

// `npm run cli -- <command>`: builds if needed (quietly), then runs the CLI.
import path from "node:path";
import { ensureBuild, root } from "./ensure-build.js";

ensureBuild({ quiet: true });
await import(path.join(root, "build/server/cli.js"));

// `npm run bench`: builds the app if needed, bundles bench/ for Node and runs it.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { build } from "esbuild";
import { ensureBuild, root } from "./ensure-build.js";

ensureBuild();
const outfile = path.join(root, "build", "bench", "index.js");
await build({
  entryPoints: [path.join(root, "bench", "index.ts")],
  outfile,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  sourcemap: true,
  logLevel: "warning",
});
const result = spawnSync(process.execPath, ["--enable-source-maps", outfile, ...process.argv.slice(2)], { stdio: "inherit", cwd: root });
process.exit(result.status ?? 1);

// `npm run dev`: rebuilds the Remix app and the server bundle on every change and restarts the
// server (node --watch), in development mode. Stop with Ctrl+C.
import { spawn } from "node:child_process";
import { context } from "esbuild";
import fs from "node:fs";
import path from "node:path";
import { serverNodeFlags } from "./node-flags.js";
import { makePgliteTemplate } from "./pglite-template.js";
import { serverBundleOptions } from "./server-bundle.js";

const root = path.resolve(import.meta.dirname, "..");
const env = { ...process.env, NODE_ENV: "development" };
const children = [];

const serverBundle = await context({ ...serverBundleOptions, logLevel: "info" });
await serverBundle.rebuild();
fs.writeFileSync(path.join(root, "build/build-mode.txt"), "development\n");
// The folder a new embedded database is copied from (docs/decisions/102), made once as the build does.
const template = path.join(root, "build/pglite-template.tar.gz");
if (!fs.existsSync(template)) makePgliteTemplate(template);
await serverBundle.watch();

const remix = spawn("npx", ["remix", "watch"], { cwd: root, env, stdio: "inherit" });
children.push(remix);
// The Remix watcher writes its first build before the server needs it.
await new Promise((resolve) => setTimeout(resolve, 3000));
children.push(
  spawn(process.execPath, [...serverNodeFlags(), "--watch-path=build", "--enable-source-maps", "build/server/index.js"], {
    cwd: root,
    env,
    stdio: "inherit",
  }),
);

function stop() {
  for (const child of children) child.kill("SIGTERM");
  void serverBundle.dispose().then(() => process.exit(0));
}
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

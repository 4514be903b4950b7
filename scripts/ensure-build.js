// Builds when the build is missing or older than the sources (used by npm start and npm run cli).
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";

export const root = path.resolve(import.meta.dirname, "..");
const outputs = [
  "build/remix/index.js",
  "build/server/index.js",
  "build/server/cli.js",
  "build/server/derive-worker.js",
  "build/pglite-template.tar.gz",
].map((f) => path.join(root, f));
const sources = ["app", "server", "db", "remix.config.js", "package.json", "package-lock.json"];

function newest(target) {
  const stat = fs.statSync(target, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let latest = stat.mtimeMs;
  for (const entry of fs.readdirSync(target)) latest = Math.max(latest, newest(path.join(target, entry)));
  return latest;
}

export function ensureBuild({ quiet = false } = {}) {
  const built = Math.min(...outputs.map((f) => fs.statSync(f, { throwIfNoEntry: false })?.mtimeMs ?? 0));
  const changed = Math.max(...sources.map((s) => newest(path.join(root, s))));
  const modeFile = path.join(root, "build/build-mode.txt");
  const mode = fs.existsSync(modeFile) ? fs.readFileSync(modeFile, "utf8").trim() : "";
  if (built !== 0 && changed <= built && mode === "production") return;
  if (!quiet) console.log(built === 0 ? "Building CARE Table (first start)…" : "Sources changed since the last build: building…");
  // Always a production build: a test runner's NODE_ENV=test would otherwise compile React's
  // development JSX, which the production server cannot run.
  const result = spawnSync("npm", ["run", "build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: quiet ? ["ignore", "ignore", "inherit"] : "inherit",
  });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

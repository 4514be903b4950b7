// A new embedded database's folder, made once by `npm run build` and kept as a tarball in the build:
// the server (and the CLI) make a new folder by copying it, one PGlite instance, instead of running
// PGlite's initdb, three at once (docs/decisions/102). Run by scripts/build-server.js.
import { spawnSync } from "node:child_process";
import { Buffer } from "node:buffer";
import fs from "node:fs";
import { createRequire } from "node:module";
import { serverNodeFlags } from "./node-flags.js";

/**
 * Writes the tarball to `out`, from a process of its own started with the server's Node.js options
 * (this file run as a script), through a temporary file: a build stopped halfway leaves none. It
 * depends on the installed PGlite alone: a template newer than PGlite's install is kept (making
 * one takes 2–4 s and, through initdb, about 700 MB, on every build otherwise).
 *
 * @param {string} out
 */
export function makePgliteTemplate(out) {
  const installed = fs.statSync(createRequire(import.meta.url).resolve("@electric-sql/pglite")).mtimeMs;
  if ((fs.statSync(out, { throwIfNoEntry: false })?.mtimeMs ?? 0) > installed) return;
  const partial = `${out}.partial`;
  const run = spawnSync(process.execPath, [...serverNodeFlags(), import.meta.filename, partial], { stdio: "inherit" });
  if (run.status !== 0) {
    fs.rmSync(partial, { force: true });
    throw new Error(`Could not make the embedded database's template (${run.error?.message ?? `exit ${run.status}`}).`);
  }
  fs.renameSync(partial, out);
}

if (process.argv[1] === import.meta.filename) {
  const { PGlite } = await import("@electric-sql/pglite");
  const db = await PGlite.create();
  const dump = await db.dumpDataDir("gzip");
  await db.close();
  fs.writeFileSync(process.argv[2], Buffer.from(await dump.arrayBuffer()));
}

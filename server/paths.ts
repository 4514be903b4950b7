import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The project's root: the nearest folder above this file with a package.json (source or build). */
function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, "package.json"))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error("package.json not found above " + fileURLToPath(import.meta.url));
    dir = parent;
  }
  return dir;
}

export const projectRoot = findRoot();
export const migrationsFolder = path.join(projectRoot, "migrations");
export const remixBuildPath = path.join(projectRoot, "build", "remix", "index.js");
export const publicFolder = path.join(projectRoot, "public");
/** A new embedded database's folder, made by `npm run build` (scripts/pglite-template.js). */
export const pgliteTemplatePath = path.join(projectRoot, "build", "pglite-template.tar.gz");
export const coalitionSeedPath = path.join(projectRoot, "db", "seed", "coalition.json");

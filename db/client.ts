import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { execFile } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { serverNodeFlags } from "../scripts/node-flags.js";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type every query takes: a connection or a transaction, on either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

/**
 * `template`: a new embedded database's folder as a tarball (`npm run build` makes one,
 * scripts/pglite-template.js); a new folder is made from it when it exists, by PGlite's initdb
 * otherwise.
 */
export type DatabaseTarget = { url: string } | { dataDir: string; template?: string } | { memory: true };

export interface Database {
  db: Db;
  kind: "postgres" | "pglite";
  /** A human-readable description for logs: never includes a password. */
  describe: string;
  /** Runs a statement outside Drizzle's transaction helpers (advisory locks, health checks). */
  pgliteClient?: PGlite;
  pgPool?: pg.Pool;
  close(): Promise<void>;
}

const options = { schema, casing: "snake_case" } as const;

/**
 * PostgreSQL settings for the embedded database, chosen for its memory (docs/decisions/070): PGlite
 * touches all of shared_buffers at start (128 MB by default); a coalition's record is far smaller,
 * and the files underneath stay in the operating system's cache.
 */
export const PGLITE_SETTINGS: Record<string, string> = {
  shared_buffers: "16MB",
  wal_buffers: "1MB",
  temp_buffers: "2MB",
  maintenance_work_mem: "16MB",
};

const pgliteStartParams = [...PGlite.defaultStartParams, ...Object.entries(PGLITE_SETTINGS).flatMap(([k, v]) => ["-c", `${k}=${v}`])];

const runChild = promisify(execFile);

/**
 * Creates a new PGlite folder in a short-lived child process, started with the server's Node.js
 * options, whose memory ends with it (docs/decisions/102). From the tarball `from` when given (the
 * build's template, or a backup being restored): one PGlite instance (peak 273 MB). Without one,
 * PGlite's own initdb, which runs three WebAssembly instances at once (peak 555 MB with the
 * options, 1.1 GB without on Node 24).
 */
export async function initializeFolder(folder: string, from?: string): Promise<void> {
  const entry = createRequire(import.meta.url).resolve("@electric-sql/pglite");
  const script =
    "const [entry, dataDir, from, startParams] = process.argv.slice(1);" +
    "const { PGlite } = require(entry);" +
    "const loadDataDir = from ? new Blob([require('node:fs').readFileSync(from)]) : undefined;" +
    "PGlite.create({ dataDir, loadDataDir, startParams: JSON.parse(startParams) }).then((db) => db.close())" +
    ".then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });";
  // Built aside and renamed when complete, so that an interrupted first start leaves no half folder.
  // This process holds the folder's lock: another one being made was left by a start that ended.
  const prefix = `${path.basename(folder)}.creating-`;
  for (const name of fs.readdirSync(path.dirname(folder))) {
    if (name.startsWith(prefix)) fs.rmSync(path.join(path.dirname(folder), name), { recursive: true, force: true });
  }
  const staging = `${folder}.creating-${process.pid}`;
  try {
    const args = [...serverNodeFlags(), "-e", script, entry, staging, from ?? "", JSON.stringify(pgliteStartParams)];
    await runChild(process.execPath, args, { timeout: 120_000 });
    fs.renameSync(staging, folder);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    const stderr = (error as { stderr?: string }).stderr ?? "";
    throw new Error(`Could not create the embedded database in ${folder}: ${stderr.trim() || String(error)}`);
  }
}

/**
 * The only place that knows which PostgreSQL it talks to: `pg` when a URL is given, the embedded
 * PGlite otherwise (one process per folder, guarded by a lock file).
 */
export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if ("url" in target) {
    const pool = new pg.Pool({ connectionString: target.url, max: 10 });
    // An idle client can lose its server (restart, network); without a listener the error would
    // crash the process instead of being replaced by a new connection on the next query.
    pool.on("error", () => {});
    const db = drizzlePg(pool, options) as unknown as Db;
    return {
      db,
      kind: "postgres",
      describe: `PostgreSQL at ${redact(target.url)}`,
      pgPool: pool,
      close: () => pool.end(),
    };
  }
  let lock: DataDirLock | undefined;
  let client: PGlite;
  if ("dataDir" in target) {
    const dir = path.resolve(target.dataDir);
    fs.mkdirSync(dir, { recursive: true });
    lock = acquireDataDirLock(dir);
    try {
      const folder = path.join(dir, "pglite");
      if (!fs.existsSync(path.join(folder, "PG_VERSION"))) {
        // Without the build's template (tests that open a folder from the sources), by initdb.
        const template = target.template && fs.existsSync(target.template) ? target.template : undefined;
        await initializeFolder(folder, template);
      }
      client = await PGlite.create({ dataDir: folder, startParams: pgliteStartParams });
    } catch (error) {
      lock.release();
      throw error;
    }
  } else {
    client = await PGlite.create({ startParams: pgliteStartParams });
  }
  const db = drizzlePglite(client, options) as unknown as Db;
  return {
    db,
    kind: "pglite",
    describe: "dataDir" in target ? `embedded PostgreSQL (PGlite) in ${path.resolve(target.dataDir)}` : "in-memory PGlite",
    pgliteClient: client,
    async close() {
      await client.close();
      lock?.release();
    },
  };
}

function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    return "(unparseable URL)";
  }
}

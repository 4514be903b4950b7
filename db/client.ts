import { PGlite } from "@electric-sql/pglite";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { acquireDataDirLock, type DataDirLock } from "./data-dir-lock";
import * as schema from "./schema";

export type Schema = typeof schema;
/** The one database type every query takes: a connection or a transaction, on either driver. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export type DatabaseTarget = { url: string } | { dataDir: string } | { memory: true };

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
      client = await PGlite.create({ dataDir: path.join(dir, "pglite") });
    } catch (error) {
      lock.release();
      throw error;
    }
  } else {
    client = await PGlite.create();
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

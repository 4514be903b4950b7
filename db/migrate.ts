import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type pg from "pg";
import type { Database } from "./client";

/** Any fixed number shared by every process of this platform: the key of the migration lock. */
const MIGRATION_LOCK_KEY = 7_314_562_001;

/**
 * Applies the committed migrations. On PostgreSQL it runs on one dedicated connection holding a
 * session advisory lock, so two processes starting at once apply them one after the other (the
 * second finds nothing left to do). PGlite has a single connection, owned by this process.
 */
export async function migrateDatabase(database: Database, migrationsFolder: string): Promise<void> {
  if (database.kind === "pglite") {
    const client = database.pgliteClient!;
    await client.query(`SELECT pg_advisory_lock(${MIGRATION_LOCK_KEY})`);
    try {
      await migratePglite(drizzlePglite(client), { migrationsFolder });
    } finally {
      await client.query(`SELECT pg_advisory_unlock(${MIGRATION_LOCK_KEY})`);
    }
    return;
  }
  const client: pg.PoolClient = await database.pgPool!.connect();
  try {
    await client.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg(client), { migrationsFolder });
    } finally {
      await client.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}

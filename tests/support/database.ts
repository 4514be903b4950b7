import crypto from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedCoalition } from "../../db/queries/coalition";
import { readCoalitionProfile } from "../../server/boot";
import { migrationsFolder } from "../../server/paths";
import { TEMPLATE_DATABASE, adminUrl, databaseUrl } from "./postgres";

export type TestDatabaseKind = "pglite" | "postgres";

export function testDatabaseKind(): TestDatabaseKind {
  return process.env.TEST_DB === "postgres" ? "postgres" : "pglite";
}

/**
 * A fresh, migrated and seeded database for one test file: an in-memory PGlite, or (in the
 * "postgres" project) a new PostgreSQL database copied from the migrated template and dropped at
 * close.
 */
export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<Database> {
  const database = testDatabaseKind() === "postgres" ? await createPostgresDatabase() : await openDatabase({ memory: true });
  if (database.kind === "pglite") await migrateDatabase(database, migrationsFolder);
  if (options.seed !== false) await seedCoalition(database.db, readCoalitionProfile());
  return database;
}

async function createPostgresDatabase(): Promise<Database> {
  return (await createPostgresTestDatabase()).database;
}

/**
 * A new PostgreSQL database copied from the migrated template (TEST_DATABASE_URL's server), and
 * its URL for server processes; `database.close()` drops it.
 */
export async function createPostgresTestDatabase(): Promise<{ database: Database; url: string }> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error("a PostgreSQL test database needs TEST_DATABASE_URL");
  const name = `care_table_test_${crypto.randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const database = await openDatabase({ url: databaseUrl(url, name) });
  const closing = {
    ...database,
    async close() {
      await database.close();
      const dropper = new pg.Client({ connectionString: adminUrl(url) });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
  return { database: closing, url: databaseUrl(url, name) };
}

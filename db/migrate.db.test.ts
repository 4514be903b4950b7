import crypto from "node:crypto";
import pg from "pg";
import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { migrationsFolder } from "../server/paths";
import { testDatabaseKind } from "../tests/support/database";
import { openDatabase, type Database } from "./client";
import { migrateDatabase } from "./migrate";

async function tableNames(database: Database): Promise<string[]> {
  const result = await database.db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
  );
  return rowsOf<{ table_name: string }>(result).map((r) => r.table_name);
}

/** Both drivers answer execute() with `{ rows }`; the shared Db type cannot say so. */
function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

const expectedTables = [
  "audit_events",
  "coalition",
  "inquiries",
  "one_time_tokens",
  "organization_logos",
  "organizations",
  "outbox",
  "people",
  "pillars",
  "sessions",
];

describe("migrations", () => {
  it.runIf(testDatabaseKind() === "pglite")("apply from an empty PGlite, and again as a no-op", async () => {
    const database = await openDatabase({ memory: true });
    try {
      expect(await tableNames(database)).toEqual([]);
      await migrateDatabase(database, migrationsFolder);
      const tables = await tableNames(database);
      for (const t of expectedTables) expect(tables).toContain(t);
      await migrateDatabase(database, migrationsFolder);
      expect(await tableNames(database)).toEqual(tables);
    } finally {
      await database.close();
    }
  });

  it.runIf(testDatabaseKind() === "postgres")(
    "apply from an empty PostgreSQL database, once, when two processes start at the same moment",
    async () => {
      const base = process.env.TEST_DATABASE_URL!;
      const name = `care_table_migrate_${crypto.randomBytes(5).toString("hex")}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      const url = new URL(base);
      url.pathname = `/${name}`;
      const a = await openDatabase({ url: url.toString() });
      const b = await openDatabase({ url: url.toString() });
      try {
        await Promise.all([migrateDatabase(a, migrationsFolder), migrateDatabase(b, migrationsFolder)]);
        const tables = await tableNames(a);
        for (const t of expectedTables) expect(tables).toContain(t);
        const applied = rowsOf<{ n: number }>(await a.db.execute(sql`select count(*)::int as n from drizzle.__drizzle_migrations`));
        const files = (await import("node:fs")).readdirSync(migrationsFolder).filter((f) => f.endsWith(".sql"));
        expect(applied[0]!.n).toBe(files.length);
      } finally {
        await a.close();
        await b.close();
        await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  );
});

import crypto from "node:crypto";
import pg from "pg";
import { openDatabase, type Database } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { seedCoalition } from "../db/queries/coalition";
import { readCoalitionProfile } from "../server/boot";
import { migrationsFolder } from "../server/paths";

/** The PostgreSQL server benchmarks run on: DATABASE_URL, TEST_DATABASE_URL, or the local one. */
export function benchServerUrl(given?: string): string {
  return given ?? process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
}

/** A new, migrated and seeded database for one benchmark, dropped by `drop()`. */
export async function scratchDatabase(
  prefix: string,
  serverUrl?: string,
): Promise<{ database: Database; url: string; drop(): Promise<void> }> {
  const base = benchServerUrl(serverUrl);
  const name = `${prefix}_${crypto.randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  const database = await openDatabase({ url: url.toString() });
  await migrateDatabase(database, migrationsFolder);
  await seedCoalition(database.db, readCoalitionProfile());
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      const dropper = new pg.Client({ connectionString: base });
      await dropper.connect();
      await dropper.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await dropper.end();
    },
  };
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

import fs from "node:fs";
import { openDatabase, type Database, type DatabaseTarget } from "../db/client";
import { migrateDatabase } from "../db/migrate";
import { seedCoalition, type CoalitionProfile } from "../db/queries/coalition";
import type { Env } from "./env";
import { coalitionSeedPath, migrationsFolder, pgliteTemplatePath } from "./paths";

/** The database the environment names: PostgreSQL at DATABASE_URL, or the embedded one in DATA_DIR. */
export function databaseTarget(env: Env): DatabaseTarget {
  return env.DATABASE_URL ? { url: env.DATABASE_URL } : { dataDir: env.DATA_DIR, template: pgliteTemplatePath };
}

/** Opens the database the environment names, applies migrations and, on an empty one, the seed. */
export async function prepareDatabase(env: Env): Promise<{ database: Database; seeded: boolean }> {
  const database = await openDatabase(databaseTarget(env));
  try {
    await migrateDatabase(database, migrationsFolder);
    const seeded = await seedCoalition(database.db, readCoalitionProfile());
    return { database, seeded };
  } catch (error) {
    await database.close();
    throw error;
  }
}

export function readCoalitionProfile(file = coalitionSeedPath): CoalitionProfile {
  return JSON.parse(fs.readFileSync(file, "utf8")) as CoalitionProfile;
}

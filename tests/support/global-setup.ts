import { spawnSync } from "node:child_process";
import pg from "pg";
import { openDatabase } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { migrationsFolder } from "../../server/paths";
import { TEMPLATE_DATABASE, adminUrl } from "./postgres";

/**
 * Once per run: build the app (integration and browser tests use the real Remix build) and, with
 * TEST_DATABASE_URL, prepare a migrated template database that each test file copies.
 */
export default async function setup() {
  const build = spawnSync("node", ["-e", "import('./scripts/ensure-build.js').then(m => m.ensureBuild({ quiet: true }))"], {
    stdio: "inherit",
  });
  if (build.status !== 0) throw new Error("The build failed: see above.");

  const url = process.env.TEST_DATABASE_URL;
  if (!url) return;
  const admin = new pg.Client({ connectionString: adminUrl(url) });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${TEMPLATE_DATABASE}`);
  } finally {
    await admin.end();
  }
  const template = new URL(url);
  template.pathname = `/${TEMPLATE_DATABASE}`;
  const database = await openDatabase({ url: template.toString() });
  await migrateDatabase(database, migrationsFolder);
  await database.close();
}

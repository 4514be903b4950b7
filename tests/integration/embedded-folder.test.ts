import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { databaseTarget } from "../../server/boot";
import { loadEnv } from "../../server/env";
import { migrationsFolder, pgliteTemplatePath } from "../../server/paths";
import { testDatabaseKind } from "../support/database";
import { temporaryDataDir } from "../support/process";

const dirs: string[] = [];
function dataDir(): string {
  const dir = temporaryDataDir("care-folder-");
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function withDatabase<T>(database: Database, body: (database: Database) => Promise<T>): Promise<T> {
  try {
    return await body(database);
  } finally {
    await database.close();
  }
}

const rows = async (database: Database, query: string) => (await database.pgliteClient!.query(query)).rows;

// A new embedded database's folder (db/client.ts, docs/decisions/102). Once, in the PGlite project.
describe.runIf(testDatabaseKind() === "pglite")("a new embedded database's folder", () => {
  it("is made from the template when one is given", async () => {
    // A template of its own, with a table the build's has not: it is found in the new folder.
    const source = await PGlite.create();
    await source.exec("create table made_from_template (id int); insert into made_from_template values (7)");
    const template = path.join(dataDir(), "template.tar.gz");
    fs.writeFileSync(template, Buffer.from(await (await source.dumpDataDir("gzip")).arrayBuffer()));
    await source.close();

    const dir = dataDir();
    await withDatabase(await openDatabase({ dataDir: dir, template }), async (database) => {
      expect(await rows(database, "select id from made_from_template")).toEqual([{ id: 7 }]);
    });
    // Made once: the next opening finds the folder and keeps what was written.
    await withDatabase(await openDatabase({ dataDir: dir, template }), async (database) => {
      await rows(database, "insert into made_from_template values (8)");
    });
    await withDatabase(await openDatabase({ dataDir: dir, template }), async (database) => {
      expect(await rows(database, "select id from made_from_template order by id")).toEqual([{ id: 7 }, { id: 8 }]);
    });
  });

  it("is, from the build's template, an empty database of this PGlite that migrates", async () => {
    expect(fs.existsSync(pgliteTemplatePath), "npm run build makes the template").toBe(true);
    const memory = await PGlite.create();
    const expected = (await memory.query<{ server_version: string }>("show server_version")).rows[0]?.server_version;
    await memory.close();
    await withDatabase(await openDatabase({ dataDir: dataDir(), template: pgliteTemplatePath }), async (database) => {
      expect(await rows(database, "show server_version")).toEqual([{ server_version: expected }]);
      expect(await rows(database, "select count(*)::int as tables from pg_tables where schemaname = 'public'")).toEqual([{ tables: 0 }]);
      await migrateDatabase(database, migrationsFolder);
      expect(await rows(database, "select count(*)::int as people from people")).toEqual([{ people: 0 }]);
    });
  });

  it("is made from the build's template by the server and the CLI", () => {
    expect(databaseTarget(loadEnv({ NODE_ENV: "production", DATA_DIR: "/srv/care" }))).toEqual({
      dataDir: "/srv/care",
      template: pgliteTemplatePath,
    });
    expect(databaseTarget(loadEnv({ NODE_ENV: "production", DATABASE_URL: "postgres://care@db/care" }))).toEqual({
      url: "postgres://care@db/care",
    });
  });

  it("is made by PGlite's initdb when the template is missing", async () => {
    const dir = dataDir();
    await withDatabase(await openDatabase({ dataDir: dir, template: path.join(dir, "no-such-template.tar.gz") }), async (database) => {
      expect(await rows(database, "select 1 as one")).toEqual([{ one: 1 }]);
    });
  });

  it("is made anew after a start that ended while making it", async () => {
    const dir = dataDir();
    // What a process stopped halfway through leaves (npm run dev restarts its server on each build).
    fs.mkdirSync(path.join(dir, "pglite.creating-99999", "base"), { recursive: true });
    fs.writeFileSync(path.join(dir, "pglite.creating-99999", "PG_VERSION"), "17\n");
    await withDatabase(await openDatabase({ dataDir: dir, template: pgliteTemplatePath }), async (database) => {
      expect(await rows(database, "select 1 as one")).toEqual([{ one: 1 }]);
    });
    expect(fs.readdirSync(dir).filter((name) => name.startsWith("pglite"))).toEqual(["pglite"]);
  });

  it("is not left half-made when the template is damaged, and the error says where", async () => {
    const dir = dataDir();
    const template = path.join(dir, "damaged.tar.gz");
    fs.writeFileSync(template, "not a tarball");
    await expect(openDatabase({ dataDir: dir, template })).rejects.toThrow(
      `Could not create the embedded database in ${path.join(dir, "pglite")}`,
    );
    expect(fs.readdirSync(dir).filter((name) => name.startsWith("pglite"))).toEqual([]);
    // The folder's lock was given back: the next opening may try again.
    await withDatabase(await openDatabase({ dataDir: dir }), async (database) => {
      expect(await rows(database, "select 1 as one")).toEqual([{ one: 1 }]);
    });
  });
});

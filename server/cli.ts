import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { initializeFolder, openDatabase } from "../db/client";
import { acquireDataDirLock } from "../db/data-dir-lock";
import { migrateDatabase } from "../db/migrate";
import { verifyAuditChain } from "../db/queries/audit";
import { createOneTimeToken } from "../db/queries/one-time-tokens";
import { createPerson, getPersonByEmail } from "../db/queries/people";
import { issueSetupToken } from "../db/queries/setup";
import { recordAudit } from "../db/queries/audit";
import { databaseTarget, prepareDatabase } from "./boot";
import { EnvError, loadEnv, type Env } from "./env";
import { migrationsFolder } from "./paths";

const usage = `Usage: npm run cli -- <command> [options]

Commands:
  migrate                              apply the migrations and exit
  setup-link                           print a new one-time link to create the first convener
  create-convener --email E --name N   create a convener; prints a one-time link to set their password
  verify-audit                         check the audit trail's hash chain from the first event
  backup [--out FILE]                  embedded database only: write a compressed copy (default ./backups/…)
  restore --from FILE [--force]        embedded database only: replace DATA_DIR with a backup
                                       (--force when DATA_DIR holds a database; the old one is kept aside)

The server must be stopped for backup and restore (the embedded database belongs to one process).
On PostgreSQL use pg_dump and pg_restore (see README).`;

async function main() {
  const [command, ...rest] = process.argv.slice(2);
  const env = loadEnv();
  switch (command) {
    case "migrate": {
      const { database } = await prepareDatabase(env);
      await database.close();
      console.log("Migrations applied.");
      return;
    }
    case "setup-link": {
      const { database } = await prepareDatabase(env);
      try {
        const token = await issueSetupToken(database.db);
        console.log(
          token
            ? `Open this one-time link to create the first convener:\n  ${env.PUBLIC_URL}/setup?token=${token}`
            : "A convener already exists: setup links work only before the first convener. Use create-convener.",
        );
      } finally {
        await database.close();
      }
      return;
    }
    case "create-convener":
      return createConvener(env, rest);
    case "verify-audit": {
      const database = await openDatabase(databaseTarget(env));
      try {
        await migrateDatabase(database, migrationsFolder);
        const result = await verifyAuditChain(database.db);
        if (result.ok) {
          console.log(`Audit chain verified: ${result.count} events, head ${result.head}.`);
        } else {
          console.error(`Audit chain BROKEN at event #${result.brokenSeq}: ${result.reason}. ${result.count} events before it verified.`);
          process.exitCode = 2;
        }
      } finally {
        await database.close();
      }
      return;
    }
    case "backup":
      return backup(env, rest);
    case "restore":
      return restore(env, rest);
    default:
      console.log(usage);
      if (command && command !== "help" && command !== "--help") process.exitCode = 64;
  }
}

async function createConvener(env: Env, args: string[]) {
  const { values } = parseArgs({ args, options: { email: { type: "string" }, name: { type: "string" } } });
  const email = values.email?.trim().toLowerCase();
  const name = values.name?.trim();
  if (!email || !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || !name) {
    console.error("create-convener needs --email with a valid address and --name.");
    process.exitCode = 64;
    return;
  }
  const { database } = await prepareDatabase(env);
  try {
    const token = await database.db.transaction(async (tx) => {
      if (await getPersonByEmail(tx, email)) return null;
      // An unusable password hash: the person sets their own through the one-time link.
      const person = await createPerson(tx, {
        email,
        name,
        passwordHash: "!unset",
        role: "convener",
        organizationId: null,
        canVote: false,
      });
      await recordAudit(tx, {
        actorId: null,
        action: "person.created",
        subjectType: "person",
        subjectId: person.id,
        after: { name, email, role: "convener", via: "command line" },
      });
      return (await createOneTimeToken(tx, { purpose: "password_reset", personId: person.id, email })).token;
    });
    if (!token) {
      console.error(`A person with the email ${email} already exists.`);
      process.exitCode = 1;
      return;
    }
    console.log(`Convener ${name} <${email}> created. Their one-time link to set a password (valid 2 hours):`);
    console.log(`  ${env.PUBLIC_URL}/reset/${token}`);
  } finally {
    await database.close();
  }
}

function requireEmbedded(env: Env, command: string): boolean {
  if (!env.DATABASE_URL) return true;
  console.error(`${command} is for the embedded database. DATABASE_URL is set: use pg_dump / pg_restore on PostgreSQL (see README).`);
  process.exitCode = 64;
  return false;
}

async function backup(env: Env, args: string[]) {
  if (!requireEmbedded(env, "backup")) return;
  const { values } = parseArgs({ args, options: { out: { type: "string" } } });
  const dataDir = path.resolve(env.DATA_DIR);
  if (!fs.existsSync(path.join(dataDir, "pglite"))) {
    console.error(`There is no embedded database in ${dataDir} to back up.`);
    process.exitCode = 1;
    return;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const out = path.resolve(values.out ?? path.join("backups", `care-table-${stamp}.tar.gz`));
  const database = await openDatabase({ dataDir });
  try {
    const dump = await database.pgliteClient!.dumpDataDir("gzip");
    fs.mkdirSync(path.dirname(out), { recursive: true });
    fs.writeFileSync(out, Buffer.from(await dump.arrayBuffer()));
    console.log(`Backup written: ${out} (${(fs.statSync(out).size / 1024).toFixed(0)} KiB)`);
  } finally {
    await database.close();
  }
}

async function restore(env: Env, args: string[]) {
  if (!requireEmbedded(env, "restore")) return;
  const { values } = parseArgs({ args, options: { from: { type: "string" }, force: { type: "boolean" } } });
  if (!values.from || !fs.existsSync(values.from)) {
    console.error("restore needs --from with the path of a backup file made by `npm run cli -- backup`.");
    process.exitCode = 64;
    return;
  }
  const dataDir = path.resolve(env.DATA_DIR);
  fs.mkdirSync(dataDir, { recursive: true });
  const lock = acquireDataDirLock(dataDir);
  try {
    const target = path.join(dataDir, "pglite");
    const staging = path.join(dataDir, `pglite.restoring-${process.pid}`);
    if (fs.existsSync(target) && !values.force) {
      console.error(`${dataDir} already holds a database. Add --force to replace it (the current one is kept aside).`);
      process.exitCode = 1;
      return;
    }
    // Restore into a staging folder first: a damaged backup must not leave DATA_DIR half-written.
    // Made as a new folder is made from the build's template, in a short-lived process that opens
    // it once (docs/decisions/102).
    fs.rmSync(staging, { recursive: true, force: true });
    try {
      await initializeFolder(staging, path.resolve(values.from));
    } catch (error) {
      console.error(
        `${values.from} could not be restored: it is not a backup of an embedded database, or it is damaged. Nothing was changed.`,
      );
      console.error(error instanceof Error ? error.message : String(error));
      process.exitCode = 1;
      return;
    }
    let keptAside: string | undefined;
    if (fs.existsSync(target)) {
      keptAside = path.join(dataDir, `pglite.before-restore-${new Date().toISOString().replace(/[:.]/g, "-")}`);
      fs.renameSync(target, keptAside);
    }
    fs.renameSync(staging, target);
    console.log(`Restored ${values.from} into ${dataDir}.${keptAside ? ` The previous database is kept in ${keptAside}.` : ""}`);
  } finally {
    lock.release();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof EnvError || error instanceof Error ? error.message : error);
  process.exitCode = 1;
});

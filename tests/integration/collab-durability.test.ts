import fs from "node:fs";
import type * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type Database } from "../../db/client";
import { migrateDatabase } from "../../db/migrate";
import { seedCoalition } from "../../db/queries/coalition";
import { readCoalitionProfile } from "../../server/boot";
import { migrationsFolder } from "../../server/paths";
import { connectCollab, typeInto, makeProposal, type TestCollabClient, eventually } from "../support/collab";
import { createTestDatabase, testDatabaseKind } from "../support/database";
import { makeOrganization, makePerson, signIn } from "../support/factories";
import { TestClient } from "../support/http";
import { freePort, startServerProcess, temporaryDataDir, type ServerProcess } from "../support/process";
import { random } from "../support/random";

const tokensOf = (doc: Y.Doc) =>
  doc
    .getXmlFragment("default")
    .toString()
    .match(/w\d-\d+/g) ?? [];

describe("durability: the server killed with SIGKILL at a random moment", () => {
  let database: Database | undefined;
  let dataDir: string | undefined;
  let serverEnv: { dataDir?: string; env?: Record<string, string> };
  let proposalId: string;
  let emails: string[];

  beforeAll(async () => {
    if (testDatabaseKind() === "postgres") {
      database = await createTestDatabase();
      const url = (database.pgPool as unknown as { options: { connectionString: string } }).options.connectionString;
      serverEnv = { env: { DATABASE_URL: url } };
    } else {
      dataDir = temporaryDataDir("care-table-durability-");
      database = await openDatabase({ dataDir });
      await migrateDatabase(database, migrationsFolder);
      await seedCoalition(database.db, readCoalitionProfile());
      serverEnv = { dataDir };
    }
    const organization = await makeOrganization(database.db);
    emails = [];
    for (let i = 0; i < 2; i++) emails.push((await makePerson(database.db, { organizationId: organization.id })).email);
    proposalId = (await makeProposal(database.db, { leadOrganizationId: organization.id })).id;
    // A PGlite folder belongs to one process: the server's, from now on.
    if (dataDir) {
      await database.close();
      database = undefined;
    }
  }, 120_000);
  afterAll(async () => {
    await database?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it.each([11, 29, 47])("keeps every update shown as saved (seed %i)", { timeout: 120_000 }, async (seed) => {
    const rand = random(seed);
    const port = await freePort();
    let server: ServerProcess = await startServerProcess({ ...serverEnv, port });
    const clients: TestCollabClient[] = [];
    try {
      for (const email of emails) {
        const http = new TestClient(server.url);
        await signIn(http, email);
        const cookie = `care_session=${http.cookie("care_session")}`;
        clients.push(connectCollab(server.url, proposalId, { cookie, saved: true }));
      }
      await Promise.all(clients.map((c) => c.synced()));
      const start = clients.map((c) => tokensOf(c.doc).length);
      const confirmed = new Set<string>();
      let typing = true;
      const loops = clients.map(async (c, i) => {
        let n = 0;
        while (typing) {
          // Bursts of typing with pauses, as people type.
          const burst = 1 + Math.floor(rand() * 5);
          for (let k = 0; k < burst; k++) typeInto(c.doc, `w${i}-${seed}${String(n++).padStart(5, "0")} `);
          await new Promise((r) => setTimeout(r, 5 + Math.floor(rand() * 60)));
          // What a client shows as saved is what the test holds the server to.
          // (Its own words: "Saved" speaks for this client's changes.)
          if (typing && c.isSaved()) for (const t of tokensOf(c.doc)) if (t.startsWith(`w${i}-`)) confirmed.add(t);
        }
      });
      // Killed at a random moment once something was shown as saved (a loaded machine saves later).
      await eventually(() => confirmed.size > 0, "a first update shown as saved", 30_000);
      await new Promise((r) => setTimeout(r, Math.floor(rand() * 1200)));
      await server.kill();
      typing = false;
      await Promise.all(loops);
      expect(confirmed.size, "some updates were confirmed before the kill").toBeGreaterThan(0);

      server = await startServerProcess({ ...serverEnv, port });
      // The clients reconnect by themselves and send what the server lost.
      await eventually(() => clients.every((c) => c.provider.synced), "clients reconnected", 30_000);
      await Promise.all(clients.map((c) => c.saved(30_000))).catch((error: Error) => {
        const states = clients.map((c) => ({ sent: c.sent, ack: c.committed?.ack, refusals: c.refusals, closes: c.closeEvents }));
        throw new Error(`${error.message}: ${JSON.stringify(states)}\nserver output:\n${server.output()}`);
      });

      const http = new TestClient(server.url);
      await signIn(http, emails[0]!);
      const fresh = connectCollab(server.url, proposalId, { cookie: `care_session=${http.cookie("care_session")}`, saved: true });
      clients.push(fresh);
      await fresh.synced();
      const tokens = tokensOf(fresh.doc);
      const present = new Set(tokens);
      const missing = [...confirmed].filter((t) => !present.has(t));
      expect(missing, "updates shown as saved and lost").toEqual([]);
      expect(tokens.length, "no duplicated text").toBe(present.size);
      // Everything either client typed is there too (they re-sent what was not saved).
      for (const c of clients.slice(0, 2)) expect(tokensOf(c.doc).sort()).toEqual([...tokens].sort());
      expect(tokens.length).toBeGreaterThan(start[0]!);
    } finally {
      for (const c of clients) c.destroy();
      await server.stop();
    }
  });
});

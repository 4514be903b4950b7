import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/client";
import { proposals } from "../../db/schema";
import { DerivePool } from "../../server/collab/derive-pool";
import { connectCollab, eventually, makeProposal, signedInCookie, typeInto } from "../support/collab";
import { createTestDatabase } from "../support/database";
import { startTestServer, type TestServer } from "../support/server";

/*
 * The derived text (JSON, HTML, plain text) is computed in a worker thread (DERIVE_WORKERS,
 * server/collab/derive-pool.ts), off the thread that relays edits. It is still stored after
 * edits, when the worker dies under a job, and at stop before the database closes.
 */
const storedText = async (database: Database, proposalId: string) =>
  (
    await database.db.select({ text: proposals.bodyText, html: proposals.bodyHtml }).from(proposals).where(eq(proposals.id, proposalId))
  )[0]!;

describe("derived text in a worker thread", () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ roundScheduler: false, collabLimits: { deriveDebounceMs: 50 } });
  });
  afterAll(() => server?.close());

  it("stores the derived text of edits through a real socket, and again after the worker is ended under the job", async () => {
    const pool = server.collab.hub.rooms.deriver;
    expect(pool).toBeInstanceOf(DerivePool);
    if (!(pool instanceof DerivePool)) return;
    expect(pool.degraded).toBe(false);
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const { cookie } = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId });
    const editor = connectCollab(server.url, proposal.id, { cookie, saved: true });
    await editor.synced();
    typeInto(editor.doc, "Coverage <for> everyone");
    await editor.saved();
    await eventually(
      async () => (await storedText(server.database, proposal.id)).text === "Coverage <for> everyone",
      "derived text stored",
    );
    expect((await storedText(server.database, proposal.id)).html).toBe("<p>Coverage &lt;for&gt; everyone</p>");

    // The worker is ended the moment it is handed the next derive, before it answers: a
    // replacement does the job.
    const [first] = pool.workers;
    let handed = 0;
    first!.postMessage = () => {
      handed++;
      void first!.terminate();
    };
    typeInto(editor.doc, ", at home");
    await editor.saved();
    await eventually(
      async () => (await storedText(server.database, proposal.id)).text === "Coverage <for> everyone, at home",
      "derived text stored by the replacement worker",
    );
    expect(handed).toBe(1);
    expect(pool.workers).toHaveLength(1);
    expect(pool.workers[0]).not.toBe(first);
    editor.destroy();
  });
});

describe("derived text at stop", () => {
  it("is stored by the worker before the database closes", async () => {
    const database = await createTestDatabase();
    try {
      // A debounce longer than the test: only the stop stores the text.
      const server = await startTestServer({ database, roundScheduler: false, collabLimits: { deriveDebounceMs: 600_000 } });
      const db = database.db;
      const proposal = await makeProposal(db);
      const { cookie } = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId });
      const editor = connectCollab(server.url, proposal.id, { cookie, saved: true });
      await editor.synced();
      // A 60,000-character text: its derive takes long enough that a stop not waiting for it would lose it.
      editor.doc.transact(() => {
        const fragment = editor.doc.getXmlFragment("default");
        for (let i = 0; i < 500; i++) {
          const paragraph = new Y.XmlElement("paragraph");
          fragment.push([paragraph]);
          paragraph.insert(0, [new Y.XmlText(`Paragraph ${i}: ` + "coverage access research equity ".repeat(4).slice(0, 105))]);
        }
      });
      typeInto(editor.doc, " Stored at stop");
      await editor.saved();
      expect((await storedText(database, proposal.id)).text).toBe("");
      const pool = server.collab.hub.rooms.deriver as DerivePool;
      await server.close();
      editor.destroy();
      expect((await storedText(database, proposal.id)).text).toMatch(/^Paragraph 0: coverage[^]*Paragraph 499: [^]* Stored at stop$/);
      expect(pool.workers).toHaveLength(0);
    } finally {
      await database.close();
    }
  });
});

import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendProposalUpdates, compactProposalDocument, readProposalDocument } from "../../db/queries/proposal-documents";
import { proposalUpdates } from "../../db/schema";
import { foldUpdates, loadDocument, compactDocument } from "../../server/collab/persistence";
import { CLOSE_FORBIDDEN, CLOSE_NOT_FOUND, CLOSE_UNAUTHENTICATED } from "../../server/collab/protocol";
import { startTestServer, type TestServer } from "../support/server";
import { connectCollab, typeInto, makeProposal, signedInCookie, type TestCollabClient, eventually } from "../support/collab";

let server: TestServer;
const clients: TestCollabClient[] = [];
beforeAll(async () => {
  server = await startTestServer({ collabLimits: { unloadDelayMs: 200 } });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

function track(client: TestCollabClient) {
  clients.push(client);
  return client;
}

function textOf(doc: Y.Doc): string {
  return doc.getXmlFragment("default").toString();
}

describe("collaboration server", () => {
  it("lets two clients converge, and says Saved only once the database has their edits", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const a = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId });
    const b = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId });
    const one = track(connectCollab(server.url, proposal.id, { cookie: a.cookie, saved: true }));
    const two = track(connectCollab(server.url, proposal.id, { cookie: b.cookie, saved: true }));
    await Promise.all([one.synced(), two.synced()]);
    typeInto(one.doc, "Hello ");
    typeInto(two.doc, "world");
    await eventually(
      () => textOf(one.doc) === textOf(two.doc) && textOf(one.doc).includes("world") && textOf(one.doc).includes("Hello"),
      "convergence",
    );
    await Promise.all([one.saved(), two.saved()]);
    const stored = await readProposalDocument(db, proposal.id);
    const fromDb = new Y.Doc();
    Y.applyUpdate(
      fromDb,
      foldUpdates(
        stored.snapshot,
        stored.updates.map((u) => u.update),
      ),
    );
    expect(textOf(fromDb)).toBe(textOf(one.doc));
    expect(one.access).toEqual({ readOnly: false, suggesting: false, reason: "" });
  });

  it("refuses upgrades with a final 44xx code: no cookie, another Origin, unknown proposal, malformed id", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const { cookie } = await signedInCookie(server.url, db);
    const cases: [string, Parameters<typeof connectCollab>[2], string, number][] = [
      ["no cookie (the public)", {}, proposal.id, CLOSE_UNAUTHENTICATED],
      ["a bad cookie", { cookie: "care_session=abcdefghijklmnopqrstuvwxyz234567" }, proposal.id, CLOSE_UNAUTHENTICATED],
      ["another Origin", { cookie, origin: "http://evil.example" }, proposal.id, CLOSE_FORBIDDEN],
      ["an unknown proposal", { cookie }, "00000000-0000-4000-8000-000000000000", CLOSE_NOT_FOUND],
      ["a malformed id", { cookie }, "not-a-uuid", CLOSE_NOT_FOUND],
    ];
    for (const [what, options, id, code] of cases) {
      const client = track(connectCollab(server.url, id, options));
      const closed = await new Promise<{ code: number }>((resolve) => client.provider.once("closed", (e) => resolve(e)));
      expect(closed.code, what).toBe(code);
      expect(client.provider.shouldConnect, what).toBe(false);
      expect(client.provider.synced, what).toBe(false);
    }
  });

  it("compaction gives the same document as replaying the log, and deletes only the rows it folded", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const { cookie } = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId });
    const c = track(connectCollab(server.url, proposal.id, { cookie, saved: true }));
    await c.synced();
    for (let i = 0; i < 30; i++) typeInto(c.doc, `word${i} `);
    await c.saved();
    const before = await readProposalDocument(db, proposal.id);
    expect(before.updates.length).toBeGreaterThan(0);
    const replay = new Y.Doc();
    for (const row of before.updates) Y.applyUpdate(replay, row.update);
    await compactDocument(db, proposal.id);
    const after = await readProposalDocument(db, proposal.id);
    expect(after.updates).toEqual([]);
    const loaded = await loadDocument(db, proposal.id);
    expect(textOf(loaded.doc)).toBe(textOf(replay));
    expect(Y.encodeStateVector(loaded.doc)).toEqual(Y.encodeStateVector(replay));
    expect(textOf(loaded.doc)).toBe(textOf(c.doc));
    c.destroy();
  });

  it("compaction keeps a row written while it runs (after it read the log, before it deleted)", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const doc = new Y.Doc();
    const rows: Uint8Array[] = [];
    doc.on("update", (update: Uint8Array) => rows.push(update));
    for (let i = 0; i < 5; i++) typeInto(doc, `folded${i} `);
    await appendProposalUpdates(
      db,
      rows.splice(0).map((update) => ({ proposalId: proposal.id, update, authorId: null })),
    );
    typeInto(doc, "written-meanwhile");
    const late = rows.splice(0);
    expect(late).toHaveLength(1);

    let written: Promise<unknown> | undefined;
    const result = await db.transaction((tx) =>
      compactProposalDocument(tx, proposal.id, (snapshot, updates) => {
        // The fold runs between reading the log and deleting from it: a row arrives now. Sent on
        // the compaction's own connection, it is queued before the compaction's delete.
        written = tx
          .insert(proposalUpdates)
          .values({ proposalId: proposal.id, update: late[0]! })
          .then(() => undefined);
        return foldUpdates(snapshot, updates);
      }),
    );
    await written;
    expect(result.folded).toBe(5);
    const after = await readProposalDocument(db, proposal.id);
    expect(after.updates.map((r) => r.update)).toEqual([late[0]]);
    const loaded = await loadDocument(db, proposal.id);
    expect(textOf(loaded.doc)).toBe(textOf(doc));
    expect(textOf(loaded.doc)).toContain("written-meanwhile");
  });
});

import type { AppLoadContext } from "@remix-run/node";
import { eq } from "drizzle-orm";
import fc from "fast-check";
import * as encoding from "lib0/encoding";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { changeOrganizationStatus } from "../../app/models/organizations.server";
import { changePerson } from "../../app/models/people.server";
import { readProposalDocument } from "../../db/queries/proposal-documents";
import { getProposal, getRevision, setProposalStatus } from "../../db/queries/proposals";
import { proposalUpdates, sessions } from "../../db/schema";
import { deriveBodyFromState } from "../../server/collab/derive";
import { CLOSE_INVALID_MESSAGE, CLOSE_UNAUTHENTICATED } from "../../server/collab/protocol";
import { connectCollab, typeInto, makeProposal, rawSocket, signedInCookie, type TestCollabClient, eventually } from "../support/collab";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
const clients: TestCollabClient[] = [];
beforeAll(async () => {
  server = await startTestServer({ collabLimits: { recheckMs: 200, unloadDelayMs: 60_000 } });
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  await server?.close();
});

function track(client: TestCollabClient) {
  clients.push(client);
  return client;
}

const textOf = (doc: Y.Doc) => doc.getXmlFragment("default").toString();

async function countLogRows(proposalId: string) {
  return (
    await server.database.db.select({ id: proposalUpdates.id }).from(proposalUpdates).where(eq(proposalUpdates.proposalId, proposalId))
  ).length;
}

function context(): AppLoadContext {
  return {
    database: server.database,
    collab: server.collab.service,
    pages: server.pages,
    log: { info() {}, warn() {}, error() {} },
  } as unknown as AppLoadContext;
}

function frame(type: number, write: (e: encoding.Encoder) => void = () => {}) {
  const e = encoding.createEncoder();
  encoding.writeVarUint(e, type);
  write(e);
  return encoding.toUint8Array(e);
}

/** A proposal with some saved text and a writer who stays connected as the "peer". */
async function proposalWithPeer() {
  const db = server.database.db;
  const proposal = await makeProposal(db);
  const writer = await signedInCookie(server.url, db, { organizationId: proposal.leadOrganizationId });
  const peer = track(connectCollab(server.url, proposal.id, { cookie: writer.cookie, saved: true }));
  await peer.synced();
  typeInto(peer.doc, "The text everyone agreed on.");
  await peer.saved();
  return { proposal, writer, peer };
}

describe("read-only connections", () => {
  it("cannot change the document, the log or peers, and are told their edit was refused", async () => {
    const db = server.database.db;
    const { proposal, peer } = await proposalWithPeer();
    const reader = await signedInCookie(server.url, db);
    await changeOrganizationStatus(context(), reader.person.id, reader.person.organizationId!, "suspended");
    const viewer = track(connectCollab(server.url, proposal.id, { cookie: reader.cookie, saved: true }));
    await viewer.synced();
    await eventually(() => viewer.access?.readOnly === true, "read-only access message");
    expect(viewer.access!.reason).toContain("suspended");
    const before = server.collab.hub.documentState(proposal.id)!;
    const rows = await countLogRows(proposal.id);
    typeInto(viewer.doc, " Sneaky words.");
    await eventually(() => viewer.refusals.length > 0, "refusal message");
    expect(viewer.refusals[0]).toMatch(/refused/);
    await new Promise((r) => setTimeout(r, 200));
    expect(server.collab.hub.documentState(proposal.id)).toEqual(before);
    expect(await countLogRows(proposal.id)).toBe(rows);
    expect(textOf(peer.doc)).not.toContain("Sneaky");
    expect(viewer.isSaved()).toBe(false);
    // Still connected: idle readers stay.
    expect(viewer.provider.wsconnected).toBe(true);
  });

  it("turn everyone read-only when the proposal is not a draft", async () => {
    const { proposal, peer, writer } = await proposalWithPeer();
    await setProposalStatus(server.database.db, proposal.id, "adopted");
    await server.collab.service.recheckProposal(proposal.id);
    await eventually(() => peer.access?.readOnly === true, "peer turned read-only");
    const late = track(connectCollab(server.url, proposal.id, { cookie: writer.cookie, saved: true }));
    await late.synced();
    await eventually(() => late.access?.readOnly === true, "new connection read-only");
    expect(late.access!.reason).toContain("adopted");
  });
});

describe("presence", () => {
  it("filters spoofed client ids, stamps the person's name, and drops oversized states", async () => {
    const db = server.database.db;
    const { proposal, peer, writer } = await proposalWithPeer();
    peer.provider.awareness.setLocalStateField("cursor", { anchor: 1 });
    const observer = track(connectCollab(server.url, proposal.id, { cookie: writer.cookie }));
    await observer.synced();
    await eventually(() => observer.provider.awareness.getStates().has(peer.doc.clientID), "peer's presence");
    const peerState = () => observer.provider.awareness.getStates().get(peer.doc.clientID) as { user?: { name?: string } };
    expect(peerState().user?.name).toBe(writer.person.name);

    const mallory = await signedInCookie(server.url, db, { name: "Mallory" });
    const raw = rawSocket(server.url, proposal.id, { Cookie: mallory.cookie, Origin: server.url });
    await raw.opened;
    const awarenessFrame = (entries: { id: number; clock: number; state: unknown }[]) =>
      frame(1, (e) => {
        const inner = encoding.createEncoder();
        encoding.writeVarUint(inner, entries.length);
        for (const entry of entries) {
          encoding.writeVarUint(inner, entry.id);
          encoding.writeVarUint(inner, entry.clock);
          encoding.writeVarString(inner, JSON.stringify(entry.state));
        }
        encoding.writeVarUint8Array(e, encoding.toUint8Array(inner));
      });
    // Another client's id: dropped.
    raw.ws.send(awarenessFrame([{ id: peer.doc.clientID, clock: 999, state: { user: { name: "Fake" } } }]));
    // Its own id, claiming another person's name: stamped with Mallory's.
    raw.ws.send(awarenessFrame([{ id: 424242, clock: 1, state: { user: { name: writer.person.name, organization: "Fake org" } } }]));
    // A 100 KB state: dropped.
    raw.ws.send(awarenessFrame([{ id: 515151, clock: 1, state: { blob: "x".repeat(100_000) } }]));
    await eventually(() => observer.provider.awareness.getStates().has(424242), "Mallory's presence");
    const mallorys = observer.provider.awareness.getStates().get(424242) as { user: { name: string; organization: string } };
    expect(mallorys.user.name).toBe("Mallory");
    expect(mallorys.user.organization).not.toBe("Fake org");
    await new Promise((r) => setTimeout(r, 100));
    expect(peerState().user?.name).toBe(writer.person.name);
    expect(observer.provider.awareness.getStates().has(515151)).toBe(false);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    raw.ws.close();
  });
});

describe("malformed messages", () => {
  it("close only the sender's connection and leave the document byte-identical", async () => {
    const db = server.database.db;
    const { proposal, peer } = await proposalWithPeer();
    const sender = await signedInCookie(server.url, db);

    const valid = new Y.Doc();
    Y.applyUpdate(valid, server.collab.hub.documentState(proposal.id)!);
    const sv = Y.encodeStateVector(valid);
    typeInto(valid, " more words that are long enough to truncate");
    const update = Y.encodeStateAsUpdate(valid, sv);
    const orphan = new Y.Doc();
    typeInto(orphan, "a");
    const orphanSv = Y.encodeStateVector(orphan);
    typeInto(orphan, "b");
    const missingDependency = Y.encodeStateAsUpdate(orphan, orphanSv);
    const syncUpdate = (bytes: Uint8Array) =>
      frame(0, (e) => {
        encoding.writeVarUint(e, 2);
        encoding.writeVarUint8Array(e, bytes);
      });
    const cases: [string, Uint8Array | string, number][] = [
      ["random bytes", new Uint8Array([0xde, 0xad, 0xbe, 0xef, 0x01, 0x02]), CLOSE_INVALID_MESSAGE],
      ["a truncated varint", new Uint8Array([0x80]), CLOSE_INVALID_MESSAGE],
      ["an unknown message type", frame(7, (e) => encoding.writeVarUint(e, 0)), CLOSE_INVALID_MESSAGE],
      [
        "an unknown sync type",
        frame(0, (e) => {
          encoding.writeVarUint(e, 9);
          encoding.writeVarUint8Array(e, new Uint8Array());
        }),
        CLOSE_INVALID_MESSAGE,
      ],
      ["a V2 update", syncUpdate(Y.encodeStateAsUpdateV2(valid, sv)), CLOSE_INVALID_MESSAGE],
      ["a truncated update", syncUpdate(update.slice(0, update.length - 5)), CLOSE_INVALID_MESSAGE],
      ["a truncated length", new Uint8Array([0, 2, 0xff, 0xff, 0x03, 1, 2]), CLOSE_INVALID_MESSAGE],
      ["a text frame", "hello", CLOSE_INVALID_MESSAGE],
      ["an oversized frame", new Uint8Array(2 * 1024 * 1024 + 1), 1009],
    ];
    for (const [what, bytes, code] of cases) {
      const before = server.collab.hub.documentState(proposal.id)!;
      const rows = await countLogRows(proposal.id);
      const raw = rawSocket(server.url, proposal.id, { Cookie: sender.cookie, Origin: server.url });
      await raw.opened;
      raw.ws.send(bytes);
      const closed = await Promise.race([raw.closed, new Promise<{ code: number }>((r) => setTimeout(() => r({ code: -1 }), 3000))]);
      raw.ws.terminate();
      expect(closed.code, what).toBe(code);
      expect(server.collab.hub.documentState(proposal.id), what).toEqual(before);
      expect(await countLogRows(proposal.id), what).toBe(rows);
      expect(peer.provider.wsconnected, what).toBe(true);
    }
    // An update whose dependencies are missing may be typed while reconnecting: it is not applied
    // and not stored, the connection stays, and the server asks for everything (SyncStep1).
    const before = server.collab.hub.documentState(proposal.id)!;
    const rows = await countLogRows(proposal.id);
    const raw = rawSocket(server.url, proposal.id, { Cookie: sender.cookie, Origin: server.url });
    await raw.opened;
    await eventually(() => raw.messages.length > 0, "the server's first SyncStep1");
    const heard = raw.messages.length;
    raw.ws.send(syncUpdate(missingDependency));
    await eventually(() => raw.messages.slice(heard).some((m) => m[0] === 0 && m[1] === 0), "the server asks for the missing updates");
    expect(server.collab.hub.documentState(proposal.id)).toEqual(before);
    expect(await countLogRows(proposal.id)).toBe(rows);
    expect(raw.ws.readyState).toBe(raw.ws.OPEN);
    raw.ws.terminate();
    // The peer goes on working.
    typeInto(peer.doc, " Still here.");
    await peer.saved();
    expect(textOf(peer.doc)).toContain("Still here.");
  });

  it("random bytes never change the document (property)", async () => {
    const db = server.database.db;
    const { proposal, peer } = await proposalWithPeer();
    const sender = await signedInCookie(server.url, db);
    const before = server.collab.hub.documentState(proposal.id)!;
    const rows = await countLogRows(proposal.id);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.uint8Array({ minLength: 0, maxLength: 64 }),
          fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => new Uint8Array([0, 2, b.length, ...b])),
          fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => new Uint8Array([0, 1, b.length, ...b])),
          fc.uint8Array({ minLength: 0, maxLength: 64 }).map((b) => new Uint8Array([1, b.length, ...b])),
        ),
        async (bytes) => {
          const raw = rawSocket(server.url, proposal.id, { Cookie: sender.cookie, Origin: server.url });
          await raw.opened;
          raw.ws.send(bytes);
          // Either the server closes the connection, or the message was harmless: wait a little.
          await Promise.race([raw.closed, new Promise((r) => setTimeout(r, 30))]);
          raw.ws.terminate();
          expect(server.collab.hub.documentState(proposal.id)).toEqual(before);
        },
      ),
      { numRuns: 60, seed: 4242 },
    );
    expect(await countLogRows(proposal.id)).toBe(rows);
    expect(peer.provider.wsconnected).toBe(true);
  });
});

describe("connections follow the person", () => {
  it("logout closes them with a final code", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const someone = await signedInCookie(server.url, db);
    const c = track(connectCollab(server.url, proposal.id, { cookie: someone.cookie }));
    await c.synced();
    const closed = new Promise<{ code: number }>((resolve) => c.provider.once("closed", resolve));
    await someone.client.post("/logout");
    expect((await closed).code).toBe(CLOSE_UNAUTHENTICATED);
  });

  it("an expired session closes within seconds; deactivation at once", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const expiring = await signedInCookie(server.url, db);
    const c = track(connectCollab(server.url, proposal.id, { cookie: expiring.cookie }));
    await c.synced();
    const closed = new Promise<{ code: number }>((resolve) => c.provider.once("closed", resolve));
    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.personId, expiring.person.id));
    expect((await closed).code).toBe(CLOSE_UNAUTHENTICATED);

    const leaving = await signedInCookie(server.url, db);
    const convener = await signedInCookie(server.url, db, { role: "convener" });
    const d = track(connectCollab(server.url, proposal.id, { cookie: leaving.cookie }));
    await d.synced();
    const gone = new Promise<{ code: number }>((resolve) => d.provider.once("closed", resolve));
    await changePerson(context(), convener.person.id, leaving.person.id, { kind: "deactivate" });
    expect((await gone).code).toBe(CLOSE_UNAUTHENTICATED);
  });

  it("suspension turns a connection read-only, reinstatement writable again", async () => {
    const { proposal, writer, peer } = await proposalWithPeer();
    const convener = await signedInCookie(server.url, server.database.db, { role: "convener" });
    await changeOrganizationStatus(context(), convener.person.id, proposal.leadOrganizationId, "suspended");
    await eventually(() => peer.access?.readOnly === true, "read-only after suspension", 3000);
    await changeOrganizationStatus(context(), convener.person.id, proposal.leadOrganizationId, "active");
    await eventually(() => peer.access?.readOnly === false, "writable after reinstatement", 3000);
    void writer;
  });
});

describe("locking a proposal for a round", () => {
  it("refuses edits from the lock on, and the revision holds exactly the saved text", async () => {
    const db = server.database.db;
    const { proposal, peer, writer } = await proposalWithPeer();
    const other = track(connectCollab(server.url, proposal.id, { cookie: writer.cookie, saved: true }));
    await other.synced();
    typeInto(other.doc, " Last words before the round.");
    const convener = await signedInCookie(server.url, db, { role: "convener" });
    const { revision, result } = await server.collab.service.lockProposalForRound({
      proposalId: proposal.id,
      actorId: convener.person.id,
      label: "Text for the round",
      inTransaction: async () => "round created",
    });
    expect(result).toBe("round created");
    expect((await getProposal(db, proposal.id))!.status).toBe("in_round");
    await eventually(() => peer.access?.readOnly === true && other.access?.readOnly === true, "everyone read-only");

    const stored = await readProposalDocument(db, proposal.id);
    const savedDoc = new Y.Doc();
    if (stored.snapshot) Y.applyUpdate(savedDoc, stored.snapshot);
    for (const row of stored.updates) Y.applyUpdate(savedDoc, row.update);
    const { text } = deriveBodyFromState(Y.encodeStateAsUpdate(savedDoc));
    expect(text).toContain("Last words before the round.");
    const row = await getRevision(db, proposal.id, revision.id);
    expect(row!.text).toBe(text);

    const rows = await countLogRows(proposal.id);
    typeInto(peer.doc, " Too late.");
    await eventually(() => peer.refusals.length > 0, "refusal after the lock");
    expect(await countLogRows(proposal.id)).toBe(rows);
    expect(textOf(other.doc)).not.toContain("Too late.");

    await expect(
      server.collab.service.lockProposalForRound({
        proposalId: proposal.id,
        actorId: convener.person.id,
        label: "again",
        inTransaction: async () => 1,
      }),
    ).rejects.toThrow(/Only a draft/);

    await server.collab.service.unlockProposal({ proposalId: proposal.id, actorId: convener.person.id, status: "draft" });
    await eventually(() => other.access?.readOnly === false, "writable after unlock");
    typeInto(other.doc, " After the round.");
    await other.saved();
  });
});

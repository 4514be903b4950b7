import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendProposalUpdates, readProposalDocument } from "../../db/queries/proposal-documents";
import { proposalSnapshots } from "../../db/schema";
import { CLOSE_LOAD_FAILED, CLOSE_RATE_LIMITED, CLOSE_TOO_MANY_CONNECTIONS } from "../../server/collab/protocol";
import { makeProposal, rawSocket, signedInCookie } from "../support/collab";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({
    collabLimits: {
      maxConnectionsPerPerson: 2,
      maxConnectionsPerDocument: 3,
      messagesPerSecond: 5,
      messageBurst: 5,
      keepAliveMs: 300,
      heartbeatMs: 400,
    },
  });
});
afterAll(async () => {
  await server?.close();
});

const open = async (proposalId: string, cookie: string) => {
  const socket = rawSocket(server.url, proposalId, { Cookie: cookie, Origin: server.url });
  await socket.opened;
  return socket;
};

describe("collaboration limits", () => {
  it("refuses connections over the per-person and per-document limits", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const ana = await signedInCookie(server.url, db);
    const ben = await signedInCookie(server.url, db);
    const a1 = await open(proposal.id, ana.cookie);
    const a2 = await open(proposal.id, ana.cookie);
    const a3 = await open(proposal.id, ana.cookie);
    expect((await a3.closed).code).toBe(CLOSE_TOO_MANY_CONNECTIONS);
    const b1 = await open(proposal.id, ben.cookie);
    const b2 = await open(proposal.id, ben.cookie);
    expect((await b2.closed).code).toBe(CLOSE_TOO_MANY_CONNECTIONS);
    for (const s of [a1, a2, b1]) expect(s.ws.readyState).toBe(s.ws.OPEN);
    for (const s of [a1, a2, b1]) s.ws.close();
  });

  it("keeps an idle reader connected: keep-alive messages, and pings it answers", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const reader = await signedInCookie(server.url, db);
    const s = await open(proposal.id, reader.cookie);
    let pings = 0;
    s.ws.on("ping", () => pings++);
    await new Promise((r) => setTimeout(r, 1500));
    const keepAlives = s.messages.filter((m) => m.length === 3 && m[0] === 1 && m[1] === 1 && m[2] === 0);
    expect(keepAlives.length).toBeGreaterThanOrEqual(2);
    expect(pings).toBeGreaterThanOrEqual(2);
    expect(s.ws.readyState).toBe(s.ws.OPEN);
    s.ws.close();
  });

  it("terminates a connection that stops answering pings, and only that one", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    // Several connections, so that they fall in different slices of the heartbeat.
    const people = await Promise.all([1, 2, 3].map(() => signedInCookie(server.url, db)));
    const answering = await Promise.all(people.slice(0, 2).map((p) => open(proposal.id, p.cookie)));
    const silent = rawSocket(server.url, proposal.id, { Cookie: people[2]!.cookie, Origin: server.url }, { autoPong: false });
    await silent.opened;
    const started = performance.now();
    // Pinged within one interval (400 ms), found silent at the next ping of its slice.
    await silent.closed;
    expect(performance.now() - started).toBeLessThan(1500);
    await new Promise((r) => setTimeout(r, 900));
    for (const s of answering) expect(s.ws.readyState).toBe(s.ws.OPEN);
    for (const s of answering) s.ws.close();
  });

  it("closes a connection that floods messages, with a code that lets it come back later", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    const someone = await signedInCookie(server.url, db);
    const s = await open(proposal.id, someone.cookie);
    const query = new Uint8Array([3]);
    for (let i = 0; i < 20; i++) s.ws.send(query);
    expect((await s.closed).code).toBe(CLOSE_RATE_LIMITED);
  });

  it("a document that fails to load closes with a transient code and nothing is written", async () => {
    const db = server.database.db;
    const proposal = await makeProposal(db);
    // A stored update whose dependencies are missing: the log is damaged.
    const other = new Y.Doc();
    other.getText("t").insert(0, "a");
    const sv = Y.encodeStateVector(other);
    other.getText("t").insert(1, "b");
    await appendProposalUpdates(db, [{ proposalId: proposal.id, update: Y.encodeStateAsUpdate(other, sv), authorId: null }]);
    const before = await readProposalDocument(db, proposal.id);
    const someone = await signedInCookie(server.url, db);
    const s = await open(proposal.id, someone.cookie);
    expect((await s.closed).code).toBe(CLOSE_LOAD_FAILED);
    expect(await readProposalDocument(db, proposal.id)).toEqual(before);
    expect(await db.select().from(proposalSnapshots).where(eq(proposalSnapshots.proposalId, proposal.id))).toEqual([]);
  });
});

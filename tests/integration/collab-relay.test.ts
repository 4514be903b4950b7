import http from "node:http";
import type { AddressInfo } from "node:net";
import crypto from "node:crypto";
import { createClient } from "redis";
import * as Y from "yjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { readProposalDocument } from "../../db/queries/proposal-documents";
import { proposalRevisions, proposals } from "../../db/schema";
import { createCollaboration, type Collaboration } from "../../server/collab/index";
import { loadDocument } from "../../server/collab/persistence";
import { createLogger } from "../../server/logger";
import { startTestServer, type TestServer } from "../support/server";
import { connectCollab, eventually, makeProposal, signedInCookie, typeInto, type TestCollabClient } from "../support/collab";

/**
 * Two collaboration servers on one database, sharing through the local Redis (a prefix of this
 * run's own), each on its own port: what two processes do, in one test process. The three-process
 * version behind nginx is collab-cluster.test.ts.
 */
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
let app: TestServer;
const servers: { collab: Collaboration; url: string; close(): Promise<void> }[] = [];
const clients: TestCollabClient[] = [];

async function collabServer(prefix: string) {
  const server = http.createServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const collab = createCollaboration({
    db: app.database.db,
    log: createLogger("silent"),
    publicUrl: app.url,
    secure: false,
    // The periodic re-check is slowed down: what reaches the other server here is the relay.
    limits: { unloadDelayMs: 200, recheckMs: 60_000, maxConnectionsPerPerson: 3, compactAfterUpdates: 8 },
    redis: { url: redisUrl, prefix },
  });
  collab.attach(server);
  await collab.start();
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const entry = {
    collab,
    url,
    async close() {
      await collab.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  servers.push(entry);
  return entry;
}

const textOf = (doc: Y.Doc) => doc.getXmlFragment("default").toString();

function connect(server: { url: string }, proposalId: string, cookie: string) {
  const client = connectCollab(server.url, proposalId, { cookie, origin: app.url, saved: true });
  clients.push(client);
  return client;
}

async function storedText(proposalId: string) {
  return textOf((await loadDocument(app.database.db, proposalId)).doc);
}

let prefix: string;
let one: Awaited<ReturnType<typeof collabServer>>;
let two: Awaited<ReturnType<typeof collabServer>>;
beforeAll(async () => {
  app = await startTestServer();
  prefix = `test-${crypto.randomBytes(6).toString("hex")}:`;
  one = await collabServer(prefix);
  two = await collabServer(prefix);
});
afterAll(async () => {
  for (const c of clients) c.destroy();
  for (const s of servers) await s.close();
  await app?.close();
});

describe("collaboration across two servers (Redis)", () => {
  it("converges, shares presence, and each client is told Saved for its own edits, written once", async () => {
    const db = app.database.db;
    const proposal = await makeProposal(db);
    const a = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId, name: "Ada Lovelace" });
    const b = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId, name: "Bea Brown" });
    const onOne = connect(one, proposal.id, a.cookie);
    const onTwo = connect(two, proposal.id, b.cookie);
    await Promise.all([onOne.synced(), onTwo.synced()]);
    typeInto(onOne.doc, "Hello ");
    typeInto(onTwo.doc, "world");
    await eventually(
      () => textOf(onOne.doc) === textOf(onTwo.doc) && /Hello/.test(textOf(onOne.doc)) && /world/.test(textOf(onOne.doc)),
      "convergence",
    );
    await Promise.all([onOne.saved(), onTwo.saved()]);
    expect(await storedText(proposal.id)).toBe(textOf(onOne.doc));
    // Each update is in the log once: the server that received it wrote it, the other did not.
    const rows = await readProposalDocument(db, proposal.id);
    expect(rows.updates.length).toBe(2);

    onOne.provider.awareness.setLocalStateField("cursor", { at: 1 });
    await eventually(
      () =>
        [...onTwo.provider.awareness.getStates().values()].some((s) => (s.user as { name?: string } | undefined)?.name === "Ada Lovelace"),
      "presence of the other server's client, with the name the server stamped",
    );
  });

  it("locks a proposal on both servers before the revision, which holds every edit either accepted", async () => {
    const db = app.database.db;
    const proposal = await makeProposal(db);
    const convener = await signedInCookie(app.url, db, { role: "convener" });
    const b = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId });
    const onTwo = connect(two, proposal.id, b.cookie);
    await onTwo.synced();
    // Typing on server two without pause while server one opens the round.
    let typing = true;
    const typist = (async () => {
      while (typing) {
        typeInto(onTwo.doc, "x");
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
    const acceptedByTwo = () => {
      const doc = new Y.Doc();
      Y.applyUpdate(doc, two.collab.hub.documentState(proposal.id) ?? new Uint8Array([0, 0]));
      return textOf(doc);
    };
    await eventually(() => /xxx/.test(acceptedByTwo()), "server two is accepting the typing");
    const { revision } = await one.collab.service.lockProposalForRound({
      proposalId: proposal.id,
      actorId: convener.person.id,
      label: "Text under vote",
      inTransaction: async () => null,
    });
    await new Promise((r) => setTimeout(r, 200));
    typing = false;
    await typist;
    const [row] = await db.select().from(proposalRevisions).where(eq(proposalRevisions.id, revision.id));
    const accepted = new Y.Doc();
    Y.applyUpdate(accepted, two.collab.hub.documentState(proposal.id)!);
    const acceptedText = textOf(accepted);
    expect(acceptedText).toMatch(/xxx/);
    // Everything server two accepted is in the revision, and it accepted nothing after the lock.
    const underVote = new Y.Doc();
    Y.applyUpdate(underVote, row!.yjsState);
    expect(textOf(underVote)).toBe(acceptedText);
    expect(await storedText(proposal.id)).toBe(acceptedText);
    expect(onTwo.access?.readOnly).toBe(true);
    expect(onTwo.refusals[0], "the late typist is told").toMatch(/read-only/i);
  });

  it("closes a person's connections on the other server at logout", async () => {
    const db = app.database.db;
    const proposal = await makeProposal(db);
    const a = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId });
    const onTwo = connect(two, proposal.id, a.cookie);
    await onTwo.synced();
    one.collab.service.closeConnectionsOfPerson(a.person.id);
    await eventually(() => onTwo.closeEvents.length > 0, "closed on the other server", 3000);
  });

  it("counts a person's connections across both servers", async () => {
    const db = app.database.db;
    const proposal = await makeProposal(db);
    const a = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId });
    const first = [connect(one, proposal.id, a.cookie), connect(one, proposal.id, a.cookie), connect(two, proposal.id, a.cookie)];
    await Promise.all(first.map((c) => c.synced()));
    const fourth = connect(two, proposal.id, a.cookie);
    await eventually(() => fourth.closeEvents.length > 0, "the fourth connection (limit 3, over two servers) is refused");
    expect(fourth.closeEvents[0]!.reason).toMatch(/too many connections for this person/);
    fourth.destroy();
    first[0]!.destroy();
    await eventually(() => first[0]!.provider.wsconnected === false, "one closed");
    await new Promise((r) => setTimeout(r, 100));
    const again = connect(two, proposal.id, a.cookie);
    await again.synced();
    expect(again.closeEvents).toEqual([]);
  });

  it("compacts on one server without folding away the other server's updates", async () => {
    const db = app.database.db;
    const proposal = await makeProposal(db);
    const a = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId });
    const b = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId });
    const onOne = connect(one, proposal.id, a.cookie);
    const onTwo = connect(two, proposal.id, b.cookie);
    await Promise.all([onOne.synced(), onTwo.synced()]);
    // Both type at once; each server compacts after 8 of its own rows, while the other's keep coming.
    for (let i = 0; i < 40; i++) {
      typeInto(onOne.doc, `a${i} `);
      typeInto(onTwo.doc, `b${i} `);
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all([onOne.saved(), onTwo.saved()]);
    await eventually(() => textOf(onOne.doc) === textOf(onTwo.doc), "convergence");
    await eventually(async () => (await readProposalDocument(db, proposal.id)).snapshot !== null, "a compaction ran");
    const stored = await storedText(proposal.id);
    for (let i = 0; i < 40; i++) {
      expect(stored).toContain(`a${i} `);
      expect(stored).toContain(`b${i} `);
    }
    expect(stored).toBe(textOf(onOne.doc));
  });

  it("refuses to open a round when a process does not answer, and changes nothing", async () => {
    const db = app.database.db;
    const proposal = await makeProposal(db);
    const convener = await signedInCookie(app.url, db, { role: "convener" });
    const b = await signedInCookie(app.url, db, { organizationId: proposal.leadOrganizationId });
    const onTwo = connect(two, proposal.id, b.cookie);
    await onTwo.synced();
    // A process that hears requests and never answers (hung, or cut off halfway).
    const silent = createClient({ url: redisUrl });
    await silent.connect();
    await silent.subscribe(`${prefix}collab:control`, () => {});
    try {
      await expect(
        one.collab.service.lockProposalForRound({
          proposalId: proposal.id,
          actorId: convener.person.id,
          label: "Text under vote",
          inTransaction: async () => null,
        }),
      ).rejects.toThrow("Not every server could be reached to save the text everywhere, so nothing was changed. Try again in a minute.");
    } finally {
      await silent.close();
    }
    const [row] = await db.select({ status: proposals.status }).from(proposals).where(eq(proposals.id, proposal.id));
    expect(row!.status).toBe("draft");
    expect(await db.select().from(proposalRevisions).where(eq(proposalRevisions.proposalId, proposal.id))).toEqual([]);
    await eventually(() => onTwo.access?.readOnly === false, "the other server's editor can write again");
    typeInto(onTwo.doc, "still drafting");
    await onTwo.saved();
  });
});

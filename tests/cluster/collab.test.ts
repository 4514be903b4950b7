import { spawn, type ChildProcess } from "node:child_process";
import { eq } from "drizzle-orm";
import * as Y from "yjs";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readProposalDocument } from "../../db/queries/proposal-documents";
import { organizations, people, proposalRevisions, sessions } from "../../db/schema";
import { loadDocument } from "../../server/collab/persistence";
import { REFUSED_READ_ONLY } from "../../server/collab/protocol";
import { connectCollab, eventually, makeProposal, signedInCookie, typeInto, type TestCollabClient } from "../support/collab";
import { describeCluster, readyz, startCluster, type Cluster } from "../support/cluster";
import { makeOrganization, makePerson } from "../support/factories";
import { freePort } from "../support/process";
import { random } from "../support/random";

/**
 * Collaboration on three real server processes on one PostgreSQL database, sharing through Redis,
 * behind a real nginx: what one process promises, several must keep.
 */

const textOf = (doc: Y.Doc) => doc.getXmlFragment("default").toString();
const tokensOf = (doc: Y.Doc) => textOf(doc).match(/w\d+-\d+/g) ?? [];

async function storedDoc(cluster: Cluster, proposalId: string): Promise<Y.Doc> {
  return (await loadDocument(cluster.database.db, proposalId)).doc;
}

/** Typing bursts with pauses on each client until `stop()`; the tokens each saw as saved. */
function typists(clients: TestCollabClient[], rand: () => number, tag: number) {
  let typing = true;
  const confirmed = new Set<string>();
  const loops = clients.map(async (c, i) => {
    let n = 0;
    while (typing) {
      const burst = 1 + Math.floor(rand() * 4);
      for (let k = 0; k < burst && !c.access?.readOnly; k++) typeInto(c.doc, `w${i}-${tag}${String(n++).padStart(5, "0")} `);
      await new Promise((r) => setTimeout(r, 5 + Math.floor(rand() * 40)));
      // What a client shows as saved is what the test holds the servers to (its own words).
      if (typing && c.isSaved()) for (const t of tokensOf(c.doc)) if (t.startsWith(`w${i}-`)) confirmed.add(t);
    }
  });
  return {
    confirmed,
    async stop() {
      typing = false;
      await Promise.all(loops);
    },
  };
}

describeCluster("collaboration on three processes behind nginx", () => {
  let cluster: Cluster;
  const clients: TestCollabClient[] = [];
  /** An editor connected to one given process (its Origin is the public one, nginx's). */
  const on = (url: string, proposalId: string, cookie: string) => {
    const client = connectCollab(url, proposalId, { cookie, origin: cluster.url, saved: true });
    clients.push(client);
    return client;
  };
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await cluster?.close();
  });

  it("converges across processes, shows everyone's presence, and tells each editor Saved for their own edits", async () => {
    const db = cluster.database.db;
    const proposal = await makeProposal(db);
    const people = await Promise.all(
      ["Ada One", "Bea Two", "Cy Three"].map((name) =>
        signedInCookie(cluster.url, db, { organizationId: proposal.leadOrganizationId, name }),
      ),
    );
    const editors = cluster.processes.map((p, i) => on(p.url, proposal.id, people[i]!.cookie));
    await Promise.all(editors.map((e) => e.synced()));
    editors.forEach((e, i) => typeInto(e.doc, `from process ${i + 1}. `));
    await eventually(
      () =>
        editors.every((e) => textOf(e.doc) === textOf(editors[0]!.doc)) &&
        [1, 2, 3].every((i) => textOf(editors[0]!.doc).includes(`process ${i}`)),
      "every editor sees every process's words",
    );
    await Promise.all(editors.map((e) => e.saved()));
    expect(textOf(await storedDoc(cluster, proposal.id))).toBe(textOf(editors[0]!.doc));
    // Written once, by the process that received it: three edits, three rows.
    expect((await readProposalDocument(db, proposal.id)).updates.length).toBe(3);

    editors.forEach((e, i) => e.provider.awareness.setLocalStateField("cursor", { anchor: i }));
    const namesSeenBy = (e: TestCollabClient) =>
      [...e.provider.awareness.getStates().entries()]
        .filter(([id]) => id !== e.doc.clientID)
        .map(([, s]) => (s.user as { name?: string } | undefined)?.name)
        .sort();
    await eventually(
      () => editors.every((e, i) => namesSeenBy(e).join() === ["Ada One", "Bea Two", "Cy Three"].filter((_, j) => j !== i).join()),
      "carets of the two others, named by their servers",
    );
    // Leaving is seen on the other processes too.
    editors[2]!.destroy();
    await eventually(() => !namesSeenBy(editors[0]!).includes("Cy Three"), "a closed editor's presence goes away elsewhere");
  });

  it("opening a round locks every process before the revision, which holds every edit accepted before; late edits are refused with words", async () => {
    const db = cluster.database.db;
    const voters = await makeOrganization(db);
    await makePerson(db, { organizationId: voters.id, canVote: true });
    const proposal = await makeProposal(db);
    const people = await Promise.all([1, 2].map(() => signedInCookie(cluster.url, db, { organizationId: proposal.leadOrganizationId })));
    const editors = [
      on(cluster.processes[1]!.url, proposal.id, people[0]!.cookie),
      on(cluster.processes[2]!.url, proposal.id, people[1]!.cookie),
    ];
    await Promise.all(editors.map((e) => e.synced()));
    const typing = typists(editors, random(5), 5);
    await new Promise((r) => setTimeout(r, 500));
    const convener = await signedInCookie(cluster.url, db, { role: "convener" });
    const opened = await convener.client.post(`/app/proposals/${proposal.id}/round`, {
      deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
      quorum: "1/1",
      thresholdPercent: "80",
    });
    expect(opened.status, "the round opened").toBe(302);
    await new Promise((r) => setTimeout(r, 300));
    await typing.stop();
    // A late edit on each process.
    for (const e of editors) typeInto(e.doc, "a late word");
    await eventually(() => editors.every((e) => e.refusals.length > 0), "every late typist is told");
    const [revision] = await db.select().from(proposalRevisions).where(eq(proposalRevisions.proposalId, proposal.id));
    const underVote = new Y.Doc();
    Y.applyUpdate(underVote, revision!.yjsState);
    // Nothing reached the log after the revision: every process stopped accepting before it.
    expect(textOf(await storedDoc(cluster, proposal.id))).toBe(textOf(underVote));
    for (const t of typing.confirmed) expect(textOf(underVote)).toContain(t);
    expect(typing.confirmed.size).toBeGreaterThan(0);
    for (const e of editors) {
      expect(e.access?.readOnly).toBe(true);
      expect(e.refusals[0] ?? "", "the late typist is told").toContain(REFUSED_READ_ONLY);
      expect(e.isSaved(), "a refused edit is never shown as saved").toBe(false);
    }
  });

  it("logout ends the person's connections on every process within seconds", async () => {
    const db = cluster.database.db;
    const proposal = await makeProposal(db);
    const person = await signedInCookie(cluster.url, db, { organizationId: proposal.leadOrganizationId });
    const editors = cluster.processes.map((p) => on(p.url, proposal.id, person.cookie));
    await Promise.all(editors.map((e) => e.synced()));
    expect((await person.client.post("/logout")).status).toBe(302);
    await eventually(() => editors.every((e) => e.closeEvents.length > 0), "closed on all three processes", 5_000);
  });

  it("session expiry, deactivation and suspension reach live connections on every process within seconds", async () => {
    const db = cluster.database.db;
    const proposal = await makeProposal(db);
    const [expiring, deactivated, suspendedMember] = await Promise.all(
      [1, 2, 3].map(() => signedInCookie(cluster.url, db, { organizationId: proposal.leadOrganizationId })),
    );
    const everywhere = (cookie: string) => cluster.processes.map((p) => on(p.url, proposal.id, cookie));
    const [a, b, c] = [everywhere(expiring!.cookie), everywhere(deactivated!.cookie), everywhere(suspendedMember!.cookie)];
    await Promise.all([...a!, ...b!, ...c!].map((e) => e.synced()));
    // Changed in the database directly: only each process's periodic re-check can notice.
    await db
      .update(sessions)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(sessions.personId, expiring!.person.id));
    await db.update(people).set({ status: "deactivated" }).where(eq(people.id, deactivated!.person.id));
    await db.update(organizations).set({ status: "suspended" }).where(eq(organizations.id, proposal.leadOrganizationId));
    await eventually(() => [...a!, ...b!].every((e) => e.closeEvents.length > 0), "expired and deactivated: closed on all three", 8_000);
    await eventually(() => c!.every((e) => e.access?.readOnly === true), "suspended: read-only on all three", 8_000);
  });

  it.each([11, 29])(
    "kill -9 of one process mid-typing: its editors reconnect through nginx to another, nothing shown as saved is lost (seed %i)",
    async (seed) => {
      const rand = random(seed);
      const db = cluster.database.db;
      const proposal = await makeProposal(db);
      const people = await Promise.all(
        [1, 2, 3].map(() => signedInCookie(cluster.url, db, { organizationId: proposal.leadOrganizationId })),
      );
      // Six connections one after the other through nginx: two on each process (round-robin).
      const editors = [0, 1, 2, 3, 4, 5].map((i) => on(cluster.url, proposal.id, people[i % 3]!.cookie));
      for (const e of editors) await e.synced();
      const typing = typists(editors, rand, seed);
      await new Promise((r) => setTimeout(r, 300 + Math.floor(rand() * 1200)));
      const victim = cluster.processes[Math.floor(rand() * 3)]!;
      await victim.kill();
      await new Promise((r) => setTimeout(r, 500 + Math.floor(rand() * 500)));
      await typing.stop();
      expect(typing.confirmed.size, "some edits were saved before the kill").toBeGreaterThan(0);
      await eventually(() => editors.every((e) => e.provider.synced), "every editor reconnected", 30_000).catch((error: Error) => {
        const states = editors.map((e) => ({ synced: e.provider.synced, connected: e.provider.wsconnected, closes: e.closeEvents }));
        const outputs = cluster.processes.map((p) => `${p.name}:\n${p.process.output().slice(-3000)}`).join("\n");
        throw new Error(`${error.message}: ${JSON.stringify(states)}\n${cluster.nginxOutput()}\n${outputs}`);
      });
      await Promise.all(editors.map((e) => e.saved(30_000)));
      const fresh = on(cluster.url, proposal.id, people[0]!.cookie);
      await fresh.synced();
      const present = new Set(tokensOf(fresh.doc));
      expect(
        [...typing.confirmed].filter((t) => !present.has(t)),
        "edits shown as saved and lost",
      ).toEqual([]);
      expect(tokensOf(fresh.doc).length, "no duplicated text").toBe(present.size);
      for (const e of editors) expect(tokensOf(e.doc).sort()).toEqual([...present].sort());
      await victim.restart();
    },
    120_000,
  );
});

/** A redis-server of this test's own on a free port, started and stopped by its pid. */
async function ownRedis(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore",
  });
  await eventually(async () => {
    try {
      const { createClient } = await import("redis");
      const c = createClient({ url: `redis://127.0.0.1:${port}`, socket: { reconnectStrategy: false } });
      await c.connect();
      await c.close();
      return true;
    } catch {
      return false;
    }
  }, "own redis-server answers");
  return child;
}

async function stopRedis(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

describeCluster("collaboration on three processes when Redis goes away and comes back", () => {
  let cluster: Cluster;
  let redis: ChildProcess;
  let redisPort: number;
  const clients: TestCollabClient[] = [];
  beforeAll(async () => {
    redisPort = await freePort();
    redis = await ownRedis(redisPort);
    cluster = await startCluster({ env: { REDIS_URL: `redis://127.0.0.1:${redisPort}` } });
  }, 120_000);
  afterAll(async () => {
    for (const c of clients) c.destroy();
    await cluster?.close();
    if (redis) await stopRedis(redis);
  });

  it("keeps every process editing, loses nothing, and converges once Redis is back", async () => {
    const db = cluster.database.db;
    const proposal = await makeProposal(db);
    const people = await Promise.all([1, 2, 3].map(() => signedInCookie(cluster.url, db, { organizationId: proposal.leadOrganizationId })));
    const editors = cluster.processes.map((p, i) => {
      const c = connectCollab(p.url, proposal.id, { cookie: people[i]!.cookie, origin: cluster.url, saved: true });
      clients.push(c);
      return c;
    });
    await Promise.all(editors.map((e) => e.synced()));
    const typing = typists(editors, random(7), 7);
    await new Promise((r) => setTimeout(r, 700));
    await stopRedis(redis);
    await eventually(
      async () => (await readyz(cluster.processes[0]!.url)).body.checks.redis === "down",
      "/readyz says Redis is down",
      15_000,
    );
    await new Promise((r) => setTimeout(r, 1000));
    await typing.stop();
    // Saved goes on without Redis: each process commits its own editors' words to PostgreSQL.
    await Promise.all(editors.map((e) => e.saved(30_000)));
    expect(textOf(editors[0]!.doc), "while Redis is away the processes do not hear each other").not.toBe(textOf(editors[1]!.doc));
    redis = await ownRedis(redisPort);
    await eventually(
      async () => (await readyz(cluster.processes[0]!.url)).body.checks.redis === "ok",
      "/readyz says Redis is back",
      15_000,
    );
    // Each process caught up from the log: every editor has everyone's words, as stored.
    await eventually(() => editors.every((e) => textOf(e.doc) === textOf(editors[0]!.doc)), "convergence after Redis came back", 15_000);
    const stored = await storedDoc(cluster, proposal.id);
    expect(textOf(stored)).toBe(textOf(editors[0]!.doc));
    for (const t of typing.confirmed) expect(textOf(stored)).toContain(t);
  });
});

import WebSocket from "ws";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readProposalDocument } from "../../db/queries/proposal-documents";
import { connectCollab, makeProposal, signedInCookie, typeInto } from "../support/collab";
import { describeCluster, readyz, startCluster, type Cluster } from "../support/cluster";

describeCluster("three processes behind nginx", () => {
  let cluster: Cluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(() => cluster?.close());

  it("sends requests round-robin to every process, each reporting its dependencies", async () => {
    const seen = new Map<string, number>();
    for (let i = 0; i < 9; i++) {
      const { status, body } = await readyz(cluster.url);
      expect(status).toBe(200);
      expect(body.checks).toEqual({ database: "ok", redis: "ok", notifications: "ok" });
      seen.set(body.instance, (seen.get(body.instance) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).toEqual(["p1", "p2", "p3"]);
    // Round-robin: nine requests, three each.
    expect([...seen.values()]).toEqual([3, 3, 3]);
    // Each process also answers on its own address.
    for (const p of cluster.processes) expect((await readyz(p.url)).body.instance).toBe(p.name);
  });

  it("passes the public Host and Origin on, so that forms posted through nginx are accepted", async () => {
    const { client } = await signedInCookie(cluster.url, cluster.database.db);
    const app = await client.get("/app");
    expect(app.status).toBe(200);
  });

  it("names the process each WebSocket reached (X-Care-Instance), round-robin", async () => {
    const proposal = await makeProposal(cluster.database.db);
    const reached: string[] = [];
    for (let i = 0; i < 3; i++) {
      const ws = new WebSocket(`${cluster.url.replace(/^http/, "ws")}/collab/${proposal.id}`, { headers: { Origin: cluster.url } });
      ws.on("error", () => {});
      reached.push(await new Promise<string>((resolve) => ws.once("upgrade", (res) => resolve(String(res.headers["x-care-instance"])))));
      ws.terminate();
    }
    expect(reached.sort()).toEqual(["p1", "p2", "p3"]);
  });

  it("passes WebSocket upgrades through: an edit made through nginx is saved", async () => {
    const db = cluster.database.db;
    const proposal = await makeProposal(db);
    const { cookie } = await signedInCookie(cluster.url, db, { organizationId: proposal.leadOrganizationId });
    const editor = connectCollab(cluster.url, proposal.id, { cookie, saved: true });
    try {
      await editor.synced();
      typeInto(editor.doc, "through the proxy");
      await editor.saved();
      // Committed to the shared database, where any process reads it.
      const stored = await readProposalDocument(db, proposal.id);
      expect(stored.updates.length + (stored.snapshot ? 1 : 0)).toBeGreaterThan(0);
      expect(editor.closeEvents).toEqual([]);
    } finally {
      editor.destroy();
    }
  });
});

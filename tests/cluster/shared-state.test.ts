import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, expect, it } from "vitest";
import { getCoalition, listPillars } from "../../db/queries/coalition";
import { positions } from "../../db/schema";
import { LISTENER_NAME } from "../../server/notifications";
import { eventually, makeProposal } from "../support/collab";
import { describeCluster, readyz, startCluster, type Cluster, type ClusterProcess } from "../support/cluster";
import { makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal, paragraph, writeProposalText } from "../support/rounds";

describeCluster("public pages and round notices with three processes behind nginx", () => {
  let cluster: Cluster;
  let admin: TestClient;
  beforeAll(async () => {
    cluster = await startCluster();
    const convener = await makePerson(cluster.database.db, { role: "convener" });
    admin = new TestClient(cluster.url);
    await signInAs(cluster.database.db, admin, convener.id);
  }, 120_000);
  afterAll(() => cluster?.close());

  /** A page read from one process directly, bypassing nginx. */
  const readOn = async (p: ClusterProcess, path: string) => (await new TestClient(p.url).get(path)).text;
  /** A form posted to one process directly, as nginx would pass it on (public Origin and Host). */
  const postTo = (p: ClusterProcess, client: TestClient, path: string, fields: Record<string, string>) => {
    const direct = new TestClient(p.url, cluster.url);
    const cookie = client.cookie("care_session");
    if (cookie) direct.setCookie("care_session", cookie);
    return direct.post(path, fields, { "X-Forwarded-Host": new URL(cluster.url).host });
  };

  async function publishPosition(title: string) {
    const { roundId } = await adoptProposal(cluster, admin);
    const res = await admin.post(`/app/rounds/${roundId}/publish`, { releaseAt: "", title, summary: `${title}: the summary of it.` });
    expect(res.status).toBe(302);
    const [position] = await cluster.database.db.select().from(positions).where(eq(positions.roundId, roundId));
    return position!;
  }

  it("shows a published and then a withdrawn position on every process at the next request", async () => {
    // Every process keeps the list of positions before the change …
    for (const p of cluster.processes) {
      await readOn(p, "/positions");
      expect(await readOn(p, "/positions")).not.toContain("Clean air in clinics");
    }
    const position = await publishPosition("Clean air in clinics");
    // … and every one of them shows the new position at once (whichever process took the post).
    for (const p of cluster.processes) expect(await readOn(p, "/positions")).toContain("Clean air in clinics");
    for (const p of cluster.processes) expect(await readOn(p, `/positions/${position.slug}`)).not.toContain("This position was withdrawn.");

    const withdrawn = await admin.post(`/app/positions/${position.id}`, {
      intent: "withdraw",
      reason: "Superseded by law.",
      confirm: "yes",
    });
    expect(withdrawn.status).toBe(302);
    for (const p of cluster.processes) expect(await readOn(p, `/positions/${position.slug}`)).toContain("This position was withdrawn.");
  });

  it("shows changed site text on every process at the next request", async () => {
    for (const p of cluster.processes) for (const path of ["/", "/members"]) await readOn(p, path);
    const now = (await getCoalition(cluster.database.db))!;
    const fields: Record<string, string> = {
      intent: "save",
      name: "The Table of Many Processes",
      shortName: now.shortName,
      tagline: now.tagline,
      about: now.about,
      vision: now.vision,
      context: now.context,
      convenerLine: now.convenerLine,
      contactEmail: now.contactEmail,
      inquiryRetentionMonths: String(now.inquiryRetentionMonths),
    };
    for (const pillar of await listPillars(cluster.database.db)) fields[pillar.key] = pillar.description;
    const saved = await admin.post("/app/site", fields);
    expect(saved.status).toBe(302);
    for (const p of cluster.processes) {
      for (const path of ["/", "/members"]) expect(await readOn(p, path), `${p.name} ${path}`).toContain("The Table of Many Processes");
    }
  });

  it("clears a process's kept pages when its listener reconnects (notices may have been missed)", async () => {
    const position = await publishPosition("Ramps at every entrance");
    const [, second, third] = cluster.processes as [ClusterProcess, ClusterProcess, ClusterProcess];
    for (const p of [second, third]) expect(await readOn(p, `/positions/${position.slug}`)).toContain("Ramps at every entrance");
    // A change no process announced (as if its notice had been lost) …
    await cluster.database.db.update(positions).set({ title: "Step-free entrances" }).where(eq(positions.id, position.id));
    expect(await readOn(third, `/positions/${position.slug}`)).toContain("Ramps at every entrance");
    // … is shown by the process whose listening connection dropped and came back.
    await cluster.database.db.execute(
      sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = ${`${LISTENER_NAME}:${second.name}`}`,
    );
    await eventually(
      async () => (await readOn(second, `/positions/${position.slug}`)).includes("Step-free entrances"),
      "the cache cleared",
    );
    await eventually(
      async () => (await readyz(second.url)).body.checks.notifications === "ok",
      `listening again: ${JSON.stringify((await readyz(second.url)).body)} ${second.process.output()}`,
    );
    // The process that missed nothing still serves what it kept.
    expect(await readOn(third, `/positions/${position.slug}`)).toContain("Ramps at every entrance");
  });

  it("tells a round page's event stream held on one process about a ballot cast through another", async () => {
    const db = cluster.database.db;
    const endorser = await makeOrganization(db);
    const voter = await makePerson(db, { organizationId: endorser.id, canVote: true });
    const proposal = await makeProposal(db, { leadOrganizationId: (await makeOrganization(db, { votingMember: false })).id });
    await writeProposalText(cluster, proposal.id, (f) => f.insert(0, [paragraph("Text to decide on.")]));
    const open = await admin.post(`/app/proposals/${proposal.id}/round`, {
      deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
      quorum: "1/1",
      thresholdPercent: "80",
    });
    const roundId = open.location?.match(/rounds\/([0-9a-f-]{36})/)?.[1];
    expect(roundId).toBeDefined();
    const client = new TestClient(cluster.url);
    await signInAs(db, client, voter.id);

    const [first, second] = cluster.processes as [ClusterProcess, ClusterProcess];
    const abort = new AbortController();
    const stream = await fetch(`${second.url}/app/rounds/${roundId}/events`, {
      headers: { Cookie: `care_session=${client.cookie("care_session")}` },
      signal: abort.signal,
    });
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    let received = "";
    const reading = (async () => {
      const decoder = new TextDecoder();
      try {
        for await (const chunk of stream.body as unknown as AsyncIterable<Uint8Array>) received += decoder.decode(chunk);
      } catch {
        // Aborted at the end of the test.
      }
    })();
    try {
      await eventually(() => received.includes("retry: 3000"), "the stream opened");
      const cast = await postTo(first, client, `/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
      expect(cast.status).toBe(302);
      await eventually(() => received.includes("event: changed"), "the stream on another process heard of the ballot", 5_000);
    } finally {
      abort.abort();
      await reading;
    }
  });
});

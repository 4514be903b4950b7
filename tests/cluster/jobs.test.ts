import { and, eq, gt, inArray, like, sql } from "drizzle-orm";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, expect, it } from "vitest";
import { enqueueMails } from "../../db/queries/outbox";
import { auditEvents, organizations, outbox, positions, rounds } from "../../db/schema";
import { eventually, makeProposal } from "../support/collab";
import { describeCluster, startCluster, type Cluster, type ClusterProcess } from "../support/cluster";
import { makeOrganization, makePerson, signInAs, unique } from "../support/factories";
import { TestClient } from "../support/http";
import { adoptProposal, paragraph, writeProposalText } from "../support/rounds";

interface Delivery {
  by: string;
  to: string[];
  subject: string;
}

/**
 * Three processes, each with an SMTP server of its own (to see who sent what), on one outbox.
 * A process's server can hold every mail it is given (never acknowledging it) to catch the process
 * in the middle of sending.
 */
describeCluster("background jobs with three processes", () => {
  let cluster: Cluster;
  let admin: TestClient;
  const delivered: Delivery[] = [];
  const holding = new Map<string, (() => void)[]>();
  const servers: SMTPServer[] = [];
  const ports = new Map<string, number>();

  beforeAll(async () => {
    for (const name of ["p1", "p2", "p3"]) {
      const smtp = new SMTPServer({
        authOptional: true,
        disabledCommands: ["STARTTLS"],
        onData(stream, session, callback) {
          let data = "";
          stream.on("data", (chunk: Buffer) => (data += chunk.toString()));
          stream.on("end", () => {
            const accept = () => {
              delivered.push({
                by: name,
                to: session.envelope.rcptTo.map((r) => r.address),
                subject: /^Subject: (.*)$/m.exec(data)?.[1] ?? "",
              });
              callback();
            };
            const held = holding.get(name);
            if (held) held.push(accept);
            else accept();
          });
        },
      });
      await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
      ports.set(name, (smtp.server.address() as AddressInfo).port);
      servers.push(smtp);
    }
    cluster = await startCluster({
      env: { MAIL_LEASE_SECONDS: "5" },
      envFor: (name) => ({ SMTP_URL: `smtp://127.0.0.1:${ports.get(name)}` }),
    });
    const convener = await makePerson(cluster.database.db, { role: "convener" });
    admin = new TestClient(cluster.url);
    await signInAs(cluster.database.db, admin, convener.id);
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    for (const smtp of servers) await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });

  const processNamed = (name: string) => cluster.processes.find((p) => p.name === name)!;

  it("sends every outbox mail exactly once, also when a process is killed while sending", async () => {
    const db = cluster.database.db;
    for (const name of ["p1", "p2", "p3"]) holding.set(name, []);
    const batch = unique("batch");
    // Three processes, twenty mails a claim: each of them claims a batch and stops at its first mail.
    const addresses = Array.from({ length: 60 }, (_, i) => `${batch}-${i}@example.org`);
    await enqueueMails(
      db,
      addresses.map((to) => ({ to, subject: `Outbox ${batch}`, body: "Hello." })),
      "queued",
    );
    await eventually(() => ["p1", "p2", "p3"].every((n) => holding.get(n)!.length > 0), "every process is sending", 20_000);
    // p1 dies with its claimed mails unsent; the others go on.
    await processNamed("p1").kill();
    holding.delete("p1");
    for (const name of ["p2", "p3"]) {
      const held = holding.get(name)!;
      holding.delete(name);
      for (const accept of held) accept();
    }
    await eventually(
      async () =>
        (
          await db
            .select({ id: outbox.id })
            .from(outbox)
            .where(and(like(outbox.toAddress, `${batch}-%`), eq(outbox.status, "sent")))
        ).length === addresses.length,
      "every mail sent (p1's after its lease)",
      40_000,
    );
    const ours = delivered.filter((d) => d.subject === `Outbox ${batch}`);
    expect(ours.filter((d) => d.by === "p1")).toEqual([]);
    expect(ours.map((d) => d.to[0]).sort()).toEqual([...addresses].sort());
    await processNamed("p1").restart();
  });

  it("closes rounds, sends reminders and releases embargoed positions exactly once, also when a process dies mid-transaction", async () => {
    const db = cluster.database.db;
    await db.update(organizations).set({ votingMember: false });
    // Positions adopted and published, then put under an embargo that ends in a moment.
    const embargoed: (typeof positions.$inferSelect)[] = [];
    for (let i = 0; i < 2; i++) {
      const { roundId } = await adoptProposal(cluster, admin);
      const title = unique("Embargoed position");
      expect((await admin.post(`/app/rounds/${roundId}/publish`, { releaseAt: "", title, summary: `${title}, summarised.` })).status).toBe(
        302,
      );
      const [position] = await db
        .update(positions)
        .set({ status: "scheduled", releaseAt: sql`now() + interval '1 hour'` })
        .where(eq(positions.roundId, roundId))
        .returning();
      embargoed.push(position!);
    }
    // Open rounds, two voting organizations each.
    const roundIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 2; j++) await makePerson(db, { organizationId: (await makeOrganization(db)).id, canVote: true });
      const proposal = await makeProposal(db, {
        title: unique("Respite care"),
        leadOrganizationId: (await makeOrganization(db, { votingMember: false })).id,
      });
      await writeProposalText(cluster, proposal.id, (f) => f.insert(0, [paragraph("Text to decide on.")]));
      const open = await admin.post(`/app/proposals/${proposal.id}/round`, {
        deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
        quorum: "1/2",
        thresholdPercent: "80",
      });
      roundIds.push(open.location!.match(/rounds\/([0-9a-f-]{36})/)![1]!);
    }
    const since = new Date();
    const audits = (action: string) =>
      db
        .select({ subjectId: auditEvents.subjectId })
        .from(auditEvents)
        .where(and(eq(auditEvents.action, action), inArray(auditEvents.subjectId, roundIds)));

    // Deadlines in an hour: every reminder is due at once.
    await db
      .update(rounds)
      .set({ deadline: sql`now() + interval '1 hour'` })
      .where(inArray(rounds.id, roundIds));
    await eventually(async () => (await audits("round.reminded")).length >= roundIds.length, "reminders sent", 15_000);

    // Now every job that queues mail stops inside its transaction, after its first changes …
    const blocker = new pg.Client({ connectionString: cluster.databaseUrl });
    const watcher = new pg.Client({ connectionString: cluster.databaseUrl });
    await blocker.connect();
    await watcher.connect();
    let victim: ClusterProcess | undefined;
    try {
      await blocker.query("begin");
      await blocker.query("lock table outbox in exclusive mode");
      // The deadlines pass and the embargoes end.
      await db
        .update(rounds)
        .set({ deadline: sql`now()` })
        .where(inArray(rounds.id, roundIds));
      await db
        .update(positions)
        .set({ releaseAt: sql`now()` })
        .where(
          inArray(
            positions.id,
            embargoed.map((p) => p.id),
          ),
        );
      // Read outside the blocking transaction: pg_stat_activity is one snapshot per transaction.
      // A job waits for the outbox (inside its transaction), or for the rows another job holds.
      const waiting = async () =>
        (
          await watcher.query<{ name: string; inserting: boolean }>(
            `select application_name as name, query ilike 'insert into "outbox"%' as inserting from pg_stat_activity
              where wait_event_type = 'Lock' and application_name like 'care-p%' and datname = current_database()
                and (query ilike 'insert into "outbox"%' or (query ilike '%from "rounds"%for update%') or query ilike 'update "positions"%')`,
          )
        ).rows.map((r) => ({ name: r.name.slice("care-".length), inserting: r.inserting }));
      // Every process is caught in a job, one of them past its first changes …
      await eventually(
        async () => {
          const now = await waiting();
          return new Set(now.map((w) => w.name)).size === 3 && now.some((w) => w.inserting);
        },
        "every process waits inside a job",
        20_000,
      );
      // … and that one is killed there.
      victim = processNamed((await waiting()).find((w) => w.inserting)!.name);
      await victim.kill();
    } finally {
      await blocker.query("commit");
      await blocker.end();
      await watcher.end();
    }

    await eventually(
      async () => (await db.select().from(rounds).where(inArray(rounds.id, roundIds))).every((r) => r.status === "closed"),
      "every round closed by the processes left",
      20_000,
    );
    await eventually(
      async () =>
        (
          await db
            .select()
            .from(positions)
            .where(
              inArray(
                positions.id,
                embargoed.map((p) => p.id),
              ),
            )
        ).every((p) => p.status === "published"),
      "every position released",
      20_000,
    );
    // Exactly once: one audit event per round and job, one mail per person and job.
    expect((await audits("round.closed")).map((a) => a.subjectId).sort()).toEqual([...roundIds].sort());
    expect((await audits("round.reminded")).map((a) => a.subjectId).sort()).toEqual([...roundIds].sort());
    const mails = await db.select({ to: outbox.toAddress, subject: outbox.subject }).from(outbox).where(gt(outbox.createdAt, since));
    const keys = mails.map((m) => `${m.to} ${m.subject}`);
    expect(keys.length).toBeGreaterThan(0);
    expect(new Set(keys).size).toBe(keys.length);
    for (const p of embargoed) expect(mails.filter((m) => m.subject === `Position published: ${p.title}`).length).toBeGreaterThan(0);
    expect(mails.filter((m) => m.subject.startsWith("Reminder:")).length).toBeGreaterThan(0);
    await victim?.restart();
  });
});

import { and, eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../db/queries/audit";
import { auditEvents, ballotHistory, ballots, organizations, outbox, proposals, proposalUpdates, rounds } from "../../db/schema";
import { castBallot } from "../../app/models/ballots.server";
import { closeRound, type RoundServices } from "../../app/models/rounds.server";
import { UserFacingError } from "../../app/models/auth.server";
import { connectCollab, eventually, makeProposal } from "../support/collab";
import { makeOrganization, makePerson, signIn, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { startTestServer, type TestServer } from "../support/server";
import * as Y from "yjs";

let server: TestServer;
let admin: TestClient;
let convener: Awaited<ReturnType<typeof makePerson>>;

beforeAll(async () => {
  // The scheduler is driven by hand here, so "after the deadline, before the scheduler" exists.
  server = await startTestServer({ roundScheduler: false });
  convener = await makePerson(server.database.db, { role: "convener" });
  admin = new TestClient(server.url);
  await signIn(admin, convener.email);
});
afterAll(() => server?.close());

type Voter = { person: Awaited<ReturnType<typeof makePerson>>; client: TestClient; organizationId: string };

/** Makes `n` organizations the only eligible ones, each with one signed-in voter. */
async function freshRoster(n: number): Promise<Voter[]> {
  const db = server.database.db;
  await db.update(organizations).set({ votingMember: false });
  const voters: Voter[] = [];
  for (let i = 0; i < n; i++) {
    const organization = await makeOrganization(db);
    const person = await makePerson(db, { organizationId: organization.id, canVote: true });
    const client = new TestClient(server.url);
    await signInAs(db, client, person.id);
    voters.push({ person, client, organizationId: organization.id });
  }
  return voters;
}

const services = (): RoundServices => ({
  database: server.database,
  mail: server.mail,
  env: server.env,
  log: { info() {}, error() {}, warn() {} } as unknown as RoundServices["log"],
  collab: server.collab.service,
  pages: server.pages,
  roundEvents: server.roundEvents,
});

function inDays(days: number) {
  const d = new Date(Date.now() + days * 86_400_000);
  return d.toISOString().slice(0, 16);
}

async function openRound(fields: Record<string, string> = {}) {
  // The lead organization is a supporting (non-voting) one, so the roster is exactly freshRoster's.
  const lead = await makeOrganization(server.database.db, { votingMember: false });
  const proposal = await makeProposal(server.database.db, {
    title: `Proposal ${Math.random().toString(36).slice(2, 8)}`,
    leadOrganizationId: lead.id,
  });
  const res = await admin.post(`/app/proposals/${proposal.id}/round`, {
    // The convener's zone is the coalition's (America/New_York); a deadline days away is in the future anyway.
    deadline: inDays(3),
    quorum: "2/3",
    thresholdPercent: "80",
    membersSeeAnswers: "on",
    instructions: "",
    ...fields,
  });
  return { proposal, res, roundId: res.location?.match(/\/app\/rounds\/([0-9a-f-]{36})/)?.[1] };
}

describe("opening a round", () => {
  it("takes a revision, locks the proposal, freezes the roster and tells the voters", async () => {
    const voters = await freshRoster(3);
    const { proposal, res, roundId } = await openRound();
    expect(res.status).toBe(302);
    expect(roundId).toBeDefined();
    const db = server.database.db;
    const [p] = await db.select().from(proposals).where(eq(proposals.id, proposal.id));
    expect(p?.status).toBe("in_round");
    const [round] = await db.select().from(rounds).where(eq(rounds.id, roundId!));
    expect(round).toMatchObject({
      status: "open",
      quorumNumerator: 2,
      quorumDenominator: 3,
      thresholdPercent: 80,
      membersSeeAnswers: true,
    });
    for (const v of voters) {
      const mails = await db.select().from(outbox).where(eq(outbox.toAddress, v.person.email));
      expect(mails.map((m) => m.subject)).toContain(`Consensus round open: ${proposal.title}`);
    }
    // The roster does not follow later changes: a new voting member is not on it.
    await makeOrganization(db, { votingMember: true });
    const page = await voters[0]!.client.get(`/app/rounds/${roundId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain("3 organizations on the roster");
    expect(page.text).toContain("No answer yet");
    expect(page.text).toContain("Not decided yet: 2 more organizations must answer to reach the quorum of 2.");
  });

  it("is refused with an empty roster, and changes nothing", async () => {
    const db = server.database.db;
    await db.update(organizations).set({ votingMember: false });
    const { proposal, res } = await openRound();
    expect(res.status).toBe(409);
    expect(res.text).toContain("empty roster");
    const [p] = await db.select().from(proposals).where(eq(proposals.id, proposal.id));
    expect(p?.status).toBe("draft");
    expect(await db.select().from(rounds).where(eq(rounds.proposalId, proposal.id))).toEqual([]);
  });

  it.each([
    [{ deadline: "2001-01-01T10:00" }, "The deadline must be in the future."],
    [{ quorum: "3/2" }, "fraction of the roster"],
    [{ thresholdPercent: "101" }, "at most 100 %"],
    [{ deadline: "next week" }, "as a date and time"],
  ])("refuses bad settings %j", async (fields, message) => {
    await freshRoster(1);
    const { proposal, res } = await openRound(fields);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
    const [p] = await server.database.db.select().from(proposals).where(eq(proposals.id, proposal.id));
    expect(p?.status).toBe("draft");
  });

  it("is for conveners only", async () => {
    const [voter] = await freshRoster(1);
    const proposal = await makeProposal(server.database.db);
    expect((await voter!.client.get(`/app/proposals/${proposal.id}/round`)).status).toBe(403);
    expect(
      (await voter!.client.post(`/app/proposals/${proposal.id}/round`, { deadline: inDays(2), quorum: "2/3", thresholdPercent: "80" }))
        .status,
    ).toBe(403);
  });

  it("waits for pending edits, and an edit sent after the lock is refused and its author told", async () => {
    await freshRoster(1);
    const db = server.database.db;
    const lead = await makeOrganization(db, { votingMember: false });
    // A representative of the lead organization: edits go in directly (others would suggest).
    const writer = await makePerson(db, { organizationId: lead.id });
    const client = new TestClient(server.url);
    await signInAs(db, client, writer.id);
    const proposal = await makeProposal(db, { leadOrganizationId: lead.id });
    const editor = connectCollab(server.url, proposal.id, { cookie: `care_session=${client.cookie("care_session")}`, saved: true });
    try {
      await editor.synced();
      const text = editor.doc.getXmlFragment("default");
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("Typed just before the round opened.")]);
      text.insert(0, [paragraph]);
      // No waiting for "Saved": opening must commit it first.
      const res = await admin.post(`/app/proposals/${proposal.id}/round`, { deadline: inDays(2), quorum: "1/1", thresholdPercent: "80" });
      expect(res.status).toBe(302);
      const roundId = res.location!.match(/rounds\/([0-9a-f-]{36})/)![1]!;
      const page = await admin.get(`/app/rounds/${roundId}`);
      expect(page.text).toContain("Typed just before the round opened.");
      await eventually(() => editor.access?.readOnly === true, "the editor is told it is read-only");
      const before = await db.$count(proposalUpdates, eq(proposalUpdates.proposalId, proposal.id));
      const late = new Y.XmlElement("paragraph");
      late.insert(0, [new Y.XmlText("Too late.")]);
      text.insert(1, [late]);
      await eventually(() => editor.refusals.length > 0, "the late edit is refused and reported");
      expect(await db.$count(proposalUpdates, eq(proposalUpdates.proposalId, proposal.id))).toBe(before);
    } finally {
      editor.destroy();
    }
  });
});

describe("ballots", () => {
  it("are cast, changed with a history, need a reason for reservations, Object and Block, and send receipts", async () => {
    const [a] = await freshRoster(2);
    const db = server.database.db;
    // A second voter in A's organization: each of them gets every receipt.
    const second = await makePerson(db, { organizationId: a!.organizationId, canVote: true });
    const { roundId } = await openRound();
    for (const [option, label] of [
      ["object", "Object"],
      ["block", "Block"],
      ["endorse_with_reservations", "Endorse with reservations"],
    ] as const) {
      for (const reason of ["", "   "]) {
        const missing = await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option, reason });
        expect(missing.status, `${option} with reason ${JSON.stringify(reason)}`).toBe(400);
        expect(missing.text).toContain(`${label} needs a reason.`);
      }
    }
    expect(await db.$count(ballots, eq(ballots.roundId, roundId!))).toBe(0);
    expect(
      await db.$count(
        auditEvents,
        and(eq(auditEvents.subjectType, "round"), eq(auditEvents.subjectId, roundId!), sql`${auditEvents.action} like 'ballot.%'`),
      ),
    ).toBe(0);

    const bad = await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "maybe" });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain("Choose one of the five answers.");

    expect((await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse", listPublicly: "on" })).status).toBe(302);
    expect(
      (
        await a!.client.post(`/app/rounds/${roundId}`, {
          intent: "cast",
          option: "endorse_with_reservations",
          reason: "Section 2 needs data.",
        })
      ).status,
    ).toBe(302);
    const rows = await db.select().from(ballots).where(eq(ballots.roundId, roundId!));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      option: "endorse_with_reservations",
      reason: "Section 2 needs data.",
      listPublicly: false,
      changes: 1,
    });
    expect(await db.$count(ballotHistory, eq(ballotHistory.roundId, roundId!))).toBe(2);
    for (const voter of [a!.person, second]) {
      const receipts = await db
        .select()
        .from(outbox)
        .where(and(eq(outbox.toAddress, voter.email), sql`${outbox.subject} like 'Ballot receipt%'`))
        .orderBy(outbox.createdAt);
      expect(receipts, voter.email).toHaveLength(2);
      expect(receipts[0]!.body).toContain("Answer: Endorse\n");
      expect(receipts[1]!.body).toContain("Answer: Endorse with reservations");
      expect(receipts[1]!.body).toContain("Reason: Section 2 needs data.");
    }
    // Each ballot is in the audit chain: what happened, in which round, for which organization, which answer, by whom.
    const events = await db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.subjectType, "round"), eq(auditEvents.subjectId, roundId!), sql`${auditEvents.action} like 'ballot.%'`))
      .orderBy(auditEvents.seq);
    expect(events.map((e) => [e.action, e.actorId, e.after])).toEqual([
      ["ballot.cast", a!.person.id, expect.objectContaining({ organizationId: a!.organizationId, option: "endorse", listPublicly: true })],
      [
        "ballot.changed",
        a!.person.id,
        expect.objectContaining({
          organizationId: a!.organizationId,
          option: "endorse_with_reservations",
          reason: "Section 2 needs data.",
        }),
      ],
    ]);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
    const page = await a!.client.get(`/app/rounds/${roundId}`);
    expect(page.text).toContain("Current answer: <strong>Endorse with reservations</strong>");
  });

  it("of another organization cannot be changed by editing the form", async () => {
    const [a, b] = await freshRoster(2);
    const { roundId } = await openRound();
    const db = server.database.db;
    await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
    // B's voter tries the convener's form for A, and an organization field on the voter's form.
    const record = await b!.client.post(`/app/rounds/${roundId}`, {
      intent: "record",
      organizationId: a!.organizationId,
      option: "block",
      reason: "x",
      note: "forged",
    });
    expect(record.status).toBe(403);
    await b!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "object", reason: "ours", organizationId: a!.organizationId });
    const [mine] = await db
      .select()
      .from(ballots)
      .where(and(eq(ballots.roundId, roundId!), eq(ballots.organizationId, a!.organizationId)));
    expect(mine).toMatchObject({ option: "endorse", changes: 0 });
    const [theirs] = await db
      .select()
      .from(ballots)
      .where(and(eq(ballots.roundId, roundId!), eq(ballots.organizationId, b!.organizationId)));
    expect(theirs?.option).toBe("object");
  });

  it("can be recorded by a convener for a ballot sent by mail, marked as such", async () => {
    const [a] = await freshRoster(1);
    const { roundId } = await openRound();
    const res = await admin.post(`/app/rounds/${roundId}`, {
      intent: "record",
      organizationId: a!.organizationId,
      option: "stand_aside",
      reason: "",
      note: "Phone call with their director, 3 pm.",
    });
    expect(res.status).toBe(302);
    const [row] = await server.database.db.select().from(ballots).where(eq(ballots.roundId, roundId!));
    expect(row).toMatchObject({
      option: "stand_aside",
      recordedByConvener: true,
      castById: convener.id,
      note: "Phone call with their director, 3 pm.",
    });
    expect((await admin.get(`/app/rounds/${roundId}`)).text).toContain("(recorded by a convener)");
  });

  it("50 at once for one organization end as one ballot with 50 history entries, never a 5xx", async () => {
    const db = server.database.db;
    await db.update(organizations).set({ votingMember: false });
    const organization = await makeOrganization(db);
    const voters = await Promise.all(Array.from({ length: 5 }, () => makePerson(db, { organizationId: organization.id, canVote: true })));
    const clients = await Promise.all(
      voters.map(async (v) => {
        const c = new TestClient(server.url);
        await signInAs(db, c, v.id);
        return c;
      }),
    );
    const { roundId } = await openRound();
    const options = ["endorse", "stand_aside", "endorse_with_reservations", "object", "block"] as const;
    const statuses = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        clients[i % 5]!.post(`/app/rounds/${roundId}`, {
          intent: "cast",
          option: options[i % 5]!,
          reason: `reason ${i}`,
          confirm: "yes",
        }).then((r) => r.status),
      ),
    );
    expect(statuses.every((s) => s === 302)).toBe(true);
    expect(await db.$count(ballots, eq(ballots.roundId, roundId!))).toBe(1);
    expect(await db.$count(ballotHistory, eq(ballotHistory.roundId, roundId!))).toBe(50);
    const [last] = await db
      .select()
      .from(ballotHistory)
      .where(eq(ballotHistory.roundId, roundId!))
      .orderBy(sql`${ballotHistory.id} desc`)
      .limit(1);
    const [current] = await db.select().from(ballots).where(eq(ballots.roundId, roundId!));
    expect(current).toMatchObject({ option: last!.option, reason: last!.reason, changes: 49 });
  });

  it("50 organizations at once: 50 ballots, tally 50", async () => {
    const voters = await freshRoster(50);
    const { roundId } = await openRound();
    const statuses = await Promise.all(
      voters.map((v) => v.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" }).then((r) => r.status)),
    );
    expect(statuses.every((s) => s === 302)).toBe(true);
    expect(await server.database.db.$count(ballots, eq(ballots.roundId, roundId!))).toBe(50);
    const closed = await admin.post(`/app/rounds/${roundId}`, { intent: "close", confirm: "yes" });
    expect(closed.status).toBe(302);
    const [round] = await server.database.db.select().from(rounds).where(eq(rounds.id, roundId!));
    expect(round?.outcome).toBe("adopted");
    expect(round?.explanation).toBe("50 of 50 organizations answered, quorum 34; support 50 of 50 = 100.0 % ≥ 80 %; no block");
  });
});

describe("closing", () => {
  it.each([1, 2, 3])("racing with 50 ballots counts exactly the ballots committed before it (run %i)", async () => {
    const voters = await freshRoster(50);
    const { roundId } = await openRound({ quorum: "1/50" });
    const s = services();
    const results = await Promise.all([
      ...voters.map((v, i) =>
        castBallot(s, { ...v.person, organizationStatus: "active", organizationName: null }, roundId!, {
          option: i % 7 === 0 ? "object" : "endorse",
          reason: "r",
          listPublicly: true,
        }).then(
          () => "counted" as const,
          (error: unknown) => {
            if (error instanceof UserFacingError && /closed/.test(error.message)) return "refused" as const;
            throw error;
          },
        ),
      ),
      new Promise((r) => setTimeout(r, 5 * Math.random())).then(() =>
        closeRound(s, roundId!, { id: convener.id }).then(() => "close" as const),
      ),
    ]);
    const counted = results.filter((r) => r === "counted").length;
    const refused = results.filter((r) => r === "refused").length;
    expect(counted + refused).toBe(50);
    const db = server.database.db;
    const [round] = await db.select().from(rounds).where(eq(rounds.id, roundId!));
    expect(round?.status).toBe("closed");
    expect((round?.tally as { answered: number }).answered).toBe(counted);
    expect(await db.$count(ballots, eq(ballots.roundId, roundId!))).toBe(counted);
    const late = await db
      .select()
      .from(ballots)
      .where(and(eq(ballots.roundId, roundId!), sql`${ballots.castAt} > ${round!.closedAt}`));
    expect(late).toEqual([]);
    // Closing twice is harmless.
    expect(await closeRound(s, roundId!, { id: convener.id })).toBe(false);
    expect((await admin.post(`/app/rounds/${roundId}`, { intent: "close", confirm: "yes" })).location).toContain("done=already-closed");
  });

  it("refuses ballots on a closed or cancelled round, and after the deadline before the scheduler has run", async () => {
    const [a] = await freshRoster(1);
    const db = server.database.db;
    const closed = await openRound();
    await admin.post(`/app/rounds/${closed.roundId}`, { intent: "close", confirm: "yes" });
    const r1 = await a!.client.post(`/app/rounds/${closed.roundId}`, { intent: "cast", option: "endorse" });
    expect(r1.status).toBe(409);
    expect(r1.text).toContain("This round is closed");

    const cancelled = await openRound();
    expect(
      (await admin.post(`/app/rounds/${cancelled.roundId}`, { intent: "cancel", cancelReason: "Wrong text.", confirm: "yes" })).status,
    ).toBe(302);
    const r2 = await a!.client.post(`/app/rounds/${cancelled.roundId}`, { intent: "cast", option: "endorse" });
    expect(r2.status).toBe(409);
    expect(r2.text).toContain("cancelled");
    const [p] = await db.select().from(proposals).where(eq(proposals.id, cancelled.proposal.id));
    expect(p?.status).toBe("draft");

    const overdue = await openRound();
    await db
      .update(rounds)
      .set({ deadline: new Date(Date.now() - 1000) })
      .where(eq(rounds.id, overdue.roundId!));
    const r3 = await a!.client.post(`/app/rounds/${overdue.roundId}`, { intent: "cast", option: "endorse" });
    expect(r3.status).toBe(409);
    expect(r3.text).toContain("The deadline has passed");
    expect(await db.$count(ballots, eq(ballots.roundId, overdue.roundId!))).toBe(0);

    expect((await a!.client.post(`/app/rounds/00000000-0000-4000-8000-000000000000`, { intent: "cast", option: "endorse" })).status).toBe(
      404,
    );
  });

  it("at the deadline happens by itself, also after a restart, recorded at the deadline", async () => {
    const [a, b, c] = await freshRoster(3);
    const { roundId, proposal } = await openRound();
    await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
    await b!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "object", reason: "Not yet." });
    void c;
    const db = server.database.db;
    const deadline = new Date(Math.floor((Date.now() - 60_000) / 1000) * 1000);
    await db.update(rounds).set({ deadline }).where(eq(rounds.id, roundId!));
    // A new server process on the same database: its scheduler's first pass closes the round.
    const restarted = await startTestServer({ database: server.database, roundScheduler: 50 });
    try {
      await eventually(
        async () => (await db.select().from(rounds).where(eq(rounds.id, roundId!)))[0]?.status === "closed",
        "closed by the scheduler",
      );
    } finally {
      await restarted.close();
    }
    const [round] = await db.select().from(rounds).where(eq(rounds.id, roundId!));
    expect(round?.closedAt?.getTime()).toBe(deadline.getTime());
    expect(round?.closedById).toBeNull();
    expect(round?.outcome).toBe("not_adopted");
    expect(round?.explanation).toBe("2 of 3 organizations answered, quorum 2; support 1 of 2 = 50.0 % < 80 %; no block");
    const [p] = await db.select().from(proposals).where(eq(proposals.id, proposal.id));
    expect(p?.status).toBe("draft");
    // Another pass changes nothing.
    await server.rounds.runOnce();
    const [again] = await db.select().from(rounds).where(eq(rounds.id, roundId!));
    expect(again?.closedAt?.getTime()).toBe(deadline.getTime());
  });

  it("keeps an organization suspended mid-round on the roster, counts its ballot, and refuses changes to it", async () => {
    const [a, b] = await freshRoster(2);
    const { roundId } = await openRound({ quorum: "1/1" });
    await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
    await b!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
    expect(
      (await admin.post(`/app/organizations/${a!.organizationId}`, { intent: "status", status: "suspended", confirm: "yes" })).status,
    ).toBe(302);
    const change = await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "block", reason: "changed our mind" });
    expect(change.status).toBe(403);
    await admin.post(`/app/rounds/${roundId}`, { intent: "close", confirm: "yes" });
    const [round] = await server.database.db.select().from(rounds).where(eq(rounds.id, roundId!));
    expect(round?.outcome).toBe("adopted");
    expect(round?.explanation).toContain("2 of 2 organizations answered");
    expect(round?.explanation).toContain("suspended during the round, still on the roster");
  });

  it("adopts, blocks or fails, and the outcome shows with its explanation; a convener writes the statement and responses", async () => {
    const [a, b, c] = await freshRoster(3);
    const { roundId, proposal } = await openRound();
    await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
    await b!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "block", reason: "Harms children with T1D.", confirm: "yes" });
    await c!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
    await admin.post(`/app/rounds/${roundId}`, { intent: "close", confirm: "yes" });
    const page = await c!.client.get(`/app/rounds/${roundId}`);
    expect(page.text).toContain("Blocked: 3 of 3 organizations answered; the quorum was 2.");
    expect(page.text).toContain("3 of 3 organizations answered, quorum 2; support 2 of 3 = 66.6 % &lt; 80 %; 1 block");
    expect(page.text).toContain("Harms children with T1D.");
    expect((await admin.post(`/app/rounds/${roundId}`, { intent: "statement", statement: "Back to drafting." })).status).toBe(302);
    expect(
      (
        await admin.post(`/app/rounds/${roundId}`, {
          intent: "response",
          organizationId: b!.organizationId,
          response: "We will rework section 3.",
        })
      ).status,
    ).toBe(302);
    const bad = await admin.post(`/app/rounds/${roundId}`, { intent: "response", organizationId: a!.organizationId, response: "x" });
    expect(bad.status).toBe(400);
    const after = await a!.client.get(`/app/rounds/${roundId}`);
    expect(after.text).toContain("Back to drafting.");
    expect(after.text).toContain("We will rework section 3.");
    const [p] = await server.database.db.select().from(proposals).where(eq(proposals.id, proposal.id));
    expect(p?.status).toBe("draft");
  });

  it("exports CSV for conveners (formulas kept as text) and the deadline as a calendar file", async () => {
    const [a] = await freshRoster(1);
    const { roundId } = await openRound();
    await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "object", reason: '=HYPERLINK("http://evil")' });
    const csv = await admin.get(`/app/rounds/${roundId}/results.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    expect(csv.text).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect((await a!.client.get(`/app/rounds/${roundId}/results.csv`)).status).toBe(403);
    const ics = await a!.client.get(`/app/rounds/${roundId}/calendar.ics`);
    expect(ics.status).toBe(200);
    expect(ics.headers.get("content-type")).toContain("text/calendar");
    expect(ics.text).toMatch(/DTEND:\d{8}T\d{6}Z/);
  });

  it("leaves an audit chain that verifies", async () => {
    expect(await verifyAuditChain(server.database.db)).toMatchObject({ ok: true });
  });
});

describe("reminders", () => {
  it("go once, 24 hours before the deadline, to organizations that have not answered", async () => {
    const [a, b] = await freshRoster(2);
    const { roundId } = await openRound();
    await a!.client.post(`/app/rounds/${roundId}`, { intent: "cast", option: "endorse" });
    const db = server.database.db;
    await db
      .update(rounds)
      .set({ deadline: new Date(Date.now() + 3_600_000) })
      .where(eq(rounds.id, roundId!));
    await server.rounds.runOnce();
    await server.rounds.runOnce();
    const reminders = (email: string) =>
      db
        .select()
        .from(outbox)
        .where(and(eq(outbox.toAddress, email), sql`${outbox.subject} like 'Reminder:%'`));
    expect(await reminders(b!.person.email)).toHaveLength(1);
    expect(await reminders(a!.person.email)).toHaveLength(0);
    // Extending re-arms it.
    const later = new Date(Date.now() + 20 * 3_600_000);
    const local = new Intl.DateTimeFormat("sv-SE", { timeZone: "America/New_York", dateStyle: "short", timeStyle: "short" })
      .format(later)
      .replace(" ", "T");
    expect((await admin.post(`/app/rounds/${roundId}`, { intent: "extend", deadline: local })).status).toBe(302);
    await server.rounds.runOnce();
    expect(await reminders(b!.person.email)).toHaveLength(2);
  });
});

describe("the proposal's page", () => {
  it("offers conveners to open a round on a draft, and links past rounds and what changed since the text voted on", async () => {
    const [voter] = await freshRoster(1);
    const { proposal, roundId } = await openRound();
    await admin.post(`/app/rounds/${roundId}`, { intent: "cancel", cancelReason: "Opened too early.", confirm: "yes" });
    const page = await admin.get(`/app/proposals/${proposal.id}`);
    expect(page.text).toContain(`/app/rounds/${roundId}`);
    expect(page.text).toContain("cancelled");
    expect(page.text).toContain("What changed since the text voted on");
    expect(page.text).toContain(`/app/proposals/${proposal.id}/round`);
    const repView = await voter!.client.get(`/app/proposals/${proposal.id}`);
    expect(repView.text).not.toContain(`/app/proposals/${proposal.id}/round"`);
    expect(repView.text).toContain(`/app/rounds/${roundId}`);
  });
});

describe("an Object or Block about a passage", () => {
  it("points at words of the text under vote (others refused), and the convener's response shows with the passage", async () => {
    const [a] = await freshRoster(1);
    const db = server.database.db;
    const lead = await makeOrganization(db, { votingMember: false });
    const writer = await makePerson(db, { organizationId: lead.id });
    const client = new TestClient(server.url);
    await signInAs(db, client, writer.id);
    const proposal = await makeProposal(db, { leadOrganizationId: lead.id });
    const editor = connectCollab(server.url, proposal.id, { cookie: `care_session=${client.cookie("care_session")}`, saved: true });
    let roundId: string | undefined;
    try {
      await editor.synced();
      const paragraph = new Y.XmlElement("paragraph");
      paragraph.insert(0, [new Y.XmlText("Insulin costs no more than 35 dollars a month for everyone.")]);
      editor.doc.getXmlFragment("default").insert(0, [paragraph]);
      await editor.saved();
      const res = await admin.post(`/app/proposals/${proposal.id}/round`, { deadline: inDays(2), quorum: "1/1", thresholdPercent: "80" });
      roundId = res.location?.match(/\/app\/rounds\/([0-9a-f-]{36})/)?.[1];
    } finally {
      editor.destroy();
    }
    expect(roundId).toBeDefined();

    const refused = await a!.client.post(`/app/rounds/${roundId}`, {
      intent: "cast",
      option: "object",
      reason: "Too low.",
      passage: "40 dollars a month",
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain("These words are not in the text under vote");
    expect(await db.select().from(ballots).where(eq(ballots.roundId, roundId!))).toHaveLength(0);

    const cast = await a!.client.post(`/app/rounds/${roundId}`, {
      intent: "cast",
      option: "object",
      reason: "Say who pays.",
      passage: "no more than  35 dollars\na month",
    });
    expect(cast.status).toBe(302);
    const [ballot] = await db.select().from(ballots).where(eq(ballots.roundId, roundId!));
    expect(ballot!.passage).toBe("no more than 35 dollars a month");
    const page = await a!.client.get(`/app/rounds/${roundId}`);
    expect(page.text).toContain("Objections to passages");
    expect(page.text).toContain("no more than 35 dollars a month");

    await admin.post(`/app/rounds/${roundId}`, { intent: "close", confirm: "yes" });
    const responded = await admin.post(`/app/rounds/${roundId}`, {
      intent: "response",
      organizationId: a!.organizationId,
      response: "The federal share pays; see section 2.",
    });
    expect(responded.status).toBe(302);
    const after = await a!.client.get(`/app/rounds/${roundId}`);
    const section = after.text.slice(after.text.indexOf("Objections to passages"), after.text.indexOf("Roster and answers"));
    expect(section).toContain("no more than 35 dollars a month");
    expect(section).toContain("The federal share pays; see section 2.");
  });
});

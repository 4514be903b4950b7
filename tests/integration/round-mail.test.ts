import { and, eq, inArray, like } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { mailKinds, mailModes, ballots, organizations, outbox, proposalSponsors, rounds } from "../../db/schema";
import { mailKindChoices, mailModeChoices } from "../../app/lib/mail-kinds";
import { addDigestItems } from "../../db/queries/mail-preferences";
import { runMailDigestOnce } from "../../server/jobs/mail-digest";
import { makeProposal } from "../support/collab";
import { makeOrganization, makePerson, signInAs } from "../support/factories";
import { TestClient } from "../support/http";
import { paragraph, writeProposalText } from "../support/rounds";
import { startTestServer, type TestServer } from "../support/server";

let server: TestServer;
let admin: TestClient;

beforeAll(async () => {
  server = await startTestServer({ roundScheduler: false });
  const convener = await makePerson(server.database.db, { role: "convener" });
  admin = new TestClient(server.url);
  await signInAs(server.database.db, admin, convener.id);
});
afterAll(() => server?.close());

async function client(personId: string) {
  const c = new TestClient(server.url);
  await signInAs(server.database.db, c, personId);
  return c;
}

/**
 * Two voting organizations (one voter each), a supporting lead organization with its drafter and
 * a supporting co-sponsor with one representative, an outsider; a round open on the proposal.
 */
async function setting() {
  const db = server.database.db;
  await db.update(organizations).set({ votingMember: false });
  const [a, b] = [await makeOrganization(db), await makeOrganization(db)];
  const voterA = await makePerson(db, { organizationId: a.id, canVote: true });
  const voterB = await makePerson(db, { organizationId: b.id, canVote: true });
  const lead = await makeOrganization(db, { votingMember: false });
  const drafter = await makePerson(db, { organizationId: lead.id });
  const sponsor = await makeOrganization(db, { votingMember: false });
  const sponsorRep = await makePerson(db, { organizationId: sponsor.id });
  const outsider = await makePerson(db, { organizationId: (await makeOrganization(db, { votingMember: false })).id });
  const proposal = await makeProposal(db, {
    title: `Respite care ${Math.random().toString(36).slice(2, 7)}`,
    leadOrganizationId: lead.id,
    createdById: drafter.id,
  });
  await db.insert(proposalSponsors).values({ proposalId: proposal.id, organizationId: sponsor.id });
  await writeProposalText(server, proposal.id, (f) => f.insert(0, [paragraph("Fund respite care.")]));
  const open = await admin.post(`/app/proposals/${proposal.id}/round`, {
    deadline: new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 16),
    quorum: "1/2",
    thresholdPercent: "80",
    membersSeeAnswers: "on",
  });
  const roundId = open.location?.match(/rounds\/([0-9a-f-]{36})/)?.[1];
  if (!roundId) throw new Error(`the round did not open: ${open.status}`);
  return { roundId, proposal, voterA, voterB, drafter, sponsorRep, outsider };
}

async function mailTo(subjectStart: string, emails: string[]) {
  const rows = await server.database.db
    .select({ to: outbox.toAddress, body: outbox.body })
    .from(outbox)
    .where(and(like(outbox.subject, `${subjectStart}%`), inArray(outbox.toAddress, emails)));
  return rows;
}

describe("mail that follows the round", () => {
  it("keeps the form's lists and the database's enums equal", () => {
    expect([...mailKindChoices]).toEqual([...mailKinds]);
    expect([...mailModeChoices]).toEqual([...mailModes]);
  });

  it("tells the roster's voters and the lead and co-sponsoring organizations when a round is cancelled, except who turned it off", async () => {
    const s = await setting();
    const b = await client(s.voterB.id);
    const off = await b.post("/app/profile", {
      intent: "mail",
      round_opened: "immediate",
      round_reminder: "immediate",
      round_cancelled: "off",
      round_outcome: "immediate",
      position_published: "immediate",
    });
    expect(off.location).toBe("/app/profile?saved=mail");
    const profileHtml = (await b.get("/app/profile")).text;
    expect(profileHtml).toContain('id="mail-round_cancelled-off" name="round_cancelled" checked=""');
    // The first press asks; nothing is cancelled and nobody is told.
    const ask = await admin.post(`/app/rounds/${s.roundId}`, { intent: "cancel", cancelReason: "The wrong version was opened." });
    expect(ask.status).toBe(200);
    expect(ask.text).toContain("Yes, cancel the round");
    expect(ask.text).toContain("0 of 2 organizations have answered.");
    const [still] = await server.database.db.select().from(rounds).where(eq(rounds.id, s.roundId));
    expect(still?.status).toBe("open");
    expect(await mailTo("Consensus round cancelled", [s.voterA.email])).toEqual([]);

    const done = await admin.post(`/app/rounds/${s.roundId}`, {
      intent: "cancel",
      cancelReason: "The wrong version was opened.",
      confirm: "yes",
    });
    expect(done.location).toContain("done=cancel");
    const everyone = [s.voterA, s.voterB, s.drafter, s.sponsorRep, s.outsider].map((p) => p.email);
    const sent = await mailTo("Consensus round cancelled", everyone);
    expect(sent.map((m) => m.to).sort()).toEqual([s.voterA.email, s.drafter.email, s.sponsorRep.email].sort());
    expect(sent[0]!.body).toContain("Reason: The wrong version was opened.");
  });

  it("sends the outcome in numbers at the close, and the publication; a digest gathers them once a day", async () => {
    const s = await setting();
    const a = await client(s.voterA.id);
    await a.post("/app/profile", {
      intent: "mail",
      round_opened: "immediate",
      round_reminder: "immediate",
      round_cancelled: "immediate",
      round_outcome: "digest",
      position_published: "digest",
    });
    // Block asks first: nothing is stored until Yes.
    const ask = await a.post(`/app/rounds/${s.roundId}`, { intent: "cast", option: "block", reason: "It harms carers." });
    expect(ask.text).toContain("Yes, cast a Block");
    expect(await server.database.db.$count(ballots, eq(ballots.roundId, s.roundId))).toBe(0);
    expect((await a.post(`/app/rounds/${s.roundId}`, { intent: "cast", option: "endorse" })).status).toBe(302);
    const close = await admin.post(`/app/rounds/${s.roundId}`, { intent: "close" });
    expect(close.text).toContain("Yes, close the round now");
    expect(close.text).toContain("Close now? 1 organization has not answered and the deadline is in");
    expect((await admin.post(`/app/rounds/${s.roundId}`, { intent: "close", confirm: "yes" })).location).toContain("done=close");

    const outcome = await mailTo("Consensus round closed", [
      s.voterA.email,
      s.voterB.email,
      s.drafter.email,
      s.sponsorRep.email,
      s.outsider.email,
    ]);
    expect(outcome.map((m) => m.to).sort()).toEqual([s.voterB.email, s.drafter.email, s.sponsorRep.email].sort());
    expect(outcome[0]!.body).toContain("In numbers: 1 of 2 organizations answered, quorum 1; support 1 of 1 = 100.0 % ≥ 80 %; no block.");

    const publish = await admin.post(`/app/rounds/${s.roundId}/publish`, {
      title: "Fund respite care",
      summary: "Families who care for someone at home need a break sometimes.",
      releaseAt: "",
    });
    expect(publish.status).toBe(302);
    const published = await mailTo("Position published: Fund respite care", [s.voterA.email, s.voterB.email, s.drafter.email]);
    expect(published.map((m) => m.to).sort()).toEqual([s.voterB.email, s.drafter.email].sort());

    // A's two mails wait for the digest: none before 7:00 in the coalition's zone, one after, then none that day.
    const digests = () => mailTo("Your daily summary", [s.voterA.email]);
    const tomorrow = new Date(Date.now() + 86_400_000);
    const at = (hourUtc: number, day = tomorrow) => new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hourUtc));
    await runMailDigestOnce({ db: server.database.db, mail: server.mail }, at(10)); // 5:00 or 6:00 in New York
    expect(await digests()).toEqual([]);
    await Promise.all([
      runMailDigestOnce({ db: server.database.db, mail: server.mail }, at(14)),
      runMailDigestOnce({ db: server.database.db, mail: server.mail }, at(14)),
    ]);
    // Mail that arrives later that day waits for the next day's digest.
    await addDigestItems(server.database.db, [{ personId: s.voterA.id, kind: "round_opened", subject: "A later message", body: "Later." }]);
    await runMailDigestOnce({ db: server.database.db, mail: server.mail }, at(20));
    const [digest, ...more] = await digests();
    expect(more).toEqual([]);
    expect(digest!.body).toContain("Consensus round closed: Respite care");
    expect(digest!.body).toContain("Position published: Fund respite care");
    expect(digest!.body).not.toContain("A later message");
    await runMailDigestOnce({ db: server.database.db, mail: server.mail }, at(14, new Date(tomorrow.getTime() + 86_400_000)));
    const next = await digests();
    expect(next).toHaveLength(2);
    expect(next.find((m) => m.body.includes("A later message"))).toBeTruthy();
  });
});

import { and, asc, desc, eq, inArray, isNull, lte, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import {
  ballotHistory,
  ballots,
  organizations,
  people,
  proposalRevisions,
  proposals,
  proposalSponsors,
  roundRoster,
  rounds,
} from "../schema";

export type Round = typeof rounds.$inferSelect;
export type BallotRow = typeof ballots.$inferSelect;
export type BallotOptionKey = BallotRow["option"];

/** Organizations that would be on a roster opened now: active voting members, with voter counts. */
export async function listEligibleOrganizations(db: Db) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      voters:
        sql<number>`count(${people.id}) filter (where ${people.status} = 'active' and ${people.canVote} and ${people.role} = 'representative')`.mapWith(
          Number,
        ),
    })
    .from(organizations)
    .leftJoin(people, eq(people.organizationId, organizations.id))
    .where(and(eq(organizations.status, "active"), eq(organizations.votingMember, true)))
    .groupBy(organizations.id)
    .orderBy(asc(organizations.name));
}

export interface NewRound {
  proposalId: string;
  revisionId: string;
  deadline: Date;
  quorumNumerator: number;
  quorumDenominator: number;
  thresholdPercent: number;
  membersSeeAnswers: boolean;
  instructions: string;
  openedById: string;
}

/** Creates a round and freezes its roster (names as they are now), in the caller's transaction. */
export async function insertRound(db: Db, round: NewRound, roster: { id: string; name: string }[]) {
  const [row] = await db.insert(rounds).values(round).returning();
  await db.insert(roundRoster).values(roster.map((o) => ({ roundId: row!.id, organizationId: o.id, organizationName: o.name })));
  return row!;
}

/** A round with its proposal's title and its revision's number and fingerprint. */
export async function getRound(db: Db, id: string) {
  const [row] = await db
    .select({
      round: rounds,
      proposalTitle: proposals.title,
      proposalStatus: proposals.status,
      revisionNumber: proposalRevisions.number,
      revisionLabel: proposalRevisions.label,
      revisionHtml: proposalRevisions.html,
      revisionFingerprint: proposalRevisions.fingerprint,
      openedByName: people.name,
    })
    .from(rounds)
    .innerJoin(proposals, eq(proposals.id, rounds.proposalId))
    .innerJoin(proposalRevisions, eq(proposalRevisions.id, rounds.revisionId))
    .innerJoin(people, eq(people.id, rounds.openedById))
    .where(eq(rounds.id, id));
  return row ?? null;
}

/**
 * Locks a round's row. Ballots take it FOR SHARE (many at once), the close takes it FOR UPDATE:
 * a ballot either commits before the close reads the ballots, or sees the round closed.
 */
export async function lockRound(db: Db, id: string, mode: "share" | "update") {
  const [row] = await db
    .select({ round: rounds })
    .from(rounds)
    .where(eq(rounds.id, id))
    .for(mode === "share" ? "share" : "update");
  return row ? { round: row.round, now: await databaseNow(db) } : null;
}

/**
 * The database's clock, read in a statement of its own after a lock is granted: a clock read in
 * the locking statement is taken before the wait, and would date a ballot or a close too early.
 */
export async function databaseNow(db: Db): Promise<Date> {
  const [row] = await db.select({ now: sql<string>`clock_timestamp()` }).from(sql`(select 1) as one`);
  return new Date(row!.now);
}

export async function listRoster(db: Db, roundId: string) {
  return db
    .select({
      organizationId: roundRoster.organizationId,
      organizationName: roundRoster.organizationName,
      suspendedAtClose: roundRoster.suspendedAtClose,
      currentStatus: organizations.status,
    })
    .from(roundRoster)
    .innerJoin(organizations, eq(organizations.id, roundRoster.organizationId))
    .where(eq(roundRoster.roundId, roundId))
    .orderBy(asc(roundRoster.organizationName));
}

/** Current ballots of a round, with who cast them. */
export async function listBallots(db: Db, roundId: string) {
  return db
    .select({ ballot: ballots, castByName: people.name })
    .from(ballots)
    .innerJoin(people, eq(people.id, ballots.castById))
    .where(eq(ballots.roundId, roundId));
}

export interface BallotInput {
  roundId: string;
  organizationId: string;
  option: BallotOptionKey;
  reason: string;
  listPublicly: boolean;
  castById: string;
  recordedByConvener: boolean;
  note: string;
  castAt: Date;
}

/**
 * Casts or changes an organization's ballot: one row per organization per round (a unique
 * constraint, so concurrent casts for one organization end as one row, the last), and one
 * history row for every cast. Returns whether it was a change.
 */
export async function upsertBallot(db: Db, input: BallotInput): Promise<{ changed: boolean }> {
  const [row] = await db
    .insert(ballots)
    .values(input)
    .onConflictDoUpdate({
      target: [ballots.roundId, ballots.organizationId],
      set: {
        option: input.option,
        reason: input.reason,
        listPublicly: input.listPublicly,
        castById: input.castById,
        recordedByConvener: input.recordedByConvener,
        note: input.note,
        castAt: input.castAt,
        changes: sql`${ballots.changes} + 1`,
      },
    })
    .returning({ changes: ballots.changes });
  await db.insert(ballotHistory).values(input);
  return { changed: (row?.changes ?? 0) > 0 };
}

export async function listBallotHistory(db: Db, roundId: string, organizationId?: string) {
  return db
    .select({ entry: ballotHistory, castByName: people.name, organizationName: roundRoster.organizationName })
    .from(ballotHistory)
    .innerJoin(people, eq(people.id, ballotHistory.castById))
    .innerJoin(
      roundRoster,
      and(eq(roundRoster.roundId, ballotHistory.roundId), eq(roundRoster.organizationId, ballotHistory.organizationId)),
    )
    .where(and(eq(ballotHistory.roundId, roundId), organizationId ? eq(ballotHistory.organizationId, organizationId) : undefined))
    .orderBy(desc(ballotHistory.id));
}

export async function updateRound(db: Db, id: string, fields: Partial<Omit<Round, "id">>) {
  const [row] = await db.update(rounds).set(fields).where(eq(rounds.id, id)).returning();
  return row ?? null;
}

export async function markRosterSuspended(db: Db, roundId: string, organizationIds: string[]) {
  if (organizationIds.length === 0) return;
  await db
    .update(roundRoster)
    .set({ suspendedAtClose: true })
    .where(and(eq(roundRoster.roundId, roundId), inArray(roundRoster.organizationId, organizationIds)));
}

export async function setBallotResponse(db: Db, roundId: string, organizationId: string, response: string, at: Date) {
  const [row] = await db
    .update(ballots)
    .set({ response, respondedAt: at })
    .where(and(eq(ballots.roundId, roundId), eq(ballots.organizationId, organizationId), inArray(ballots.option, ["object", "block"])))
    .returning({ id: ballots.id });
  return Boolean(row);
}

/** Open rounds whose deadline has passed by the database's clock. */
export async function listOverdueRoundIds(db: Db): Promise<string[]> {
  const rows = await db
    .select({ id: rounds.id })
    .from(rounds)
    .where(and(eq(rounds.status, "open"), lte(rounds.deadline, sql`now()`)));
  return rows.map((r) => r.id);
}

/** Open rounds whose 24-hour reminder is due and not sent yet (claimed one by one: `claimReminder`). */
export async function listDueReminders(db: Db, aheadMs: number): Promise<string[]> {
  const rows = await db
    .select({ id: rounds.id })
    .from(rounds)
    .where(
      and(
        eq(rounds.status, "open"),
        isNull(rounds.reminderSentAt),
        lte(rounds.deadline, sql`now() + ${`${Math.round(aheadMs / 1000)} seconds`}::interval`),
        sql`${rounds.deadline} > now()`,
      ),
    );
  return rows.map((r) => r.id);
}

/**
 * Claims one round's reminder, in the caller's transaction: the conditional update makes exactly
 * one process (of several on one database) get the row back, and the claim commits with the mail
 * it sends (a process that dies before committing leaves the reminder due).
 */
export async function claimReminder(db: Db, roundId: string, aheadMs: number) {
  const [row] = await db
    .update(rounds)
    .set({ reminderSentAt: sql`now()` })
    .where(
      and(
        eq(rounds.id, roundId),
        eq(rounds.status, "open"),
        isNull(rounds.reminderSentAt),
        lte(rounds.deadline, sql`now() + ${`${Math.round(aheadMs / 1000)} seconds`}::interval`),
        sql`${rounds.deadline} > now()`,
      ),
    )
    .returning({ id: rounds.id, proposalId: rounds.proposalId, deadline: rounds.deadline });
  return row ?? null;
}

/** Emails of the people who can vote for these organizations. */
export async function listVoters(db: Db, organizationIds: string[]) {
  if (organizationIds.length === 0) return [];
  return db
    .select({ id: people.id, email: people.email, name: people.name, organizationId: people.organizationId, timeZone: people.timeZone })
    .from(people)
    .where(
      and(
        inArray(people.organizationId, organizationIds),
        eq(people.canVote, true),
        eq(people.status, "active"),
        eq(people.role, "representative"),
      ),
    );
}

/** Organizations on the roster of an open round that have not answered. */
export async function listSilentOrganizations(db: Db, roundId: string): Promise<string[]> {
  const rows = await db
    .select({ id: roundRoster.organizationId })
    .from(roundRoster)
    .leftJoin(ballots, and(eq(ballots.roundId, roundRoster.roundId), eq(ballots.organizationId, roundRoster.organizationId)))
    .where(and(eq(roundRoster.roundId, roundId), isNull(ballots.id)));
  return rows.map((r) => r.id);
}

/** Open rounds with an organization on their roster, and that organization's current answer. */
export async function listOpenRoundsForOrganization(db: Db, organizationId: string) {
  return db
    .select({
      id: rounds.id,
      deadline: rounds.deadline,
      proposalTitle: proposals.title,
      option: ballots.option,
    })
    .from(rounds)
    .innerJoin(roundRoster, and(eq(roundRoster.roundId, rounds.id), eq(roundRoster.organizationId, organizationId)))
    .innerJoin(proposals, eq(proposals.id, rounds.proposalId))
    .leftJoin(ballots, and(eq(ballots.roundId, rounds.id), eq(ballots.organizationId, organizationId)))
    .where(eq(rounds.status, "open"))
    .orderBy(asc(rounds.deadline));
}

export async function listOpenRounds(db: Db) {
  return db
    .select({ id: rounds.id, deadline: rounds.deadline, proposalTitle: proposals.title })
    .from(rounds)
    .innerJoin(proposals, eq(proposals.id, rounds.proposalId))
    .where(eq(rounds.status, "open"))
    .orderBy(asc(rounds.deadline));
}

export async function listRoundsOfProposal(db: Db, proposalId: string) {
  return db
    .select({
      id: rounds.id,
      status: rounds.status,
      outcome: rounds.outcome,
      openedAt: rounds.openedAt,
      deadline: rounds.deadline,
      closedAt: rounds.closedAt,
      revisionId: rounds.revisionId,
      revisionNumber: proposalRevisions.number,
    })
    .from(rounds)
    .innerJoin(proposalRevisions, eq(proposalRevisions.id, rounds.revisionId))
    .where(eq(rounds.proposalId, proposalId))
    .orderBy(desc(rounds.openedAt));
}

/**
 * Everything a ballot needs, in one statement: the round (locked FOR SHARE), whether the organization is on the roster, its name and status, the proposal's
 * title and the coalition's time zone; then the database's clock, after the lock.
 */
export async function lockRoundForBallot(db: Db, roundId: string, organizationId: string) {
  const [row] = await db
    .select({
      // Only what a ballot needs: every selected column costs mapping time on a hot path.
      round: { status: rounds.status, deadline: rounds.deadline, proposalId: rounds.proposalId },
      proposalTitle: proposals.title,
      onRoster: sql<boolean>`exists (select 1 from ${roundRoster} where ${roundRoster.roundId} = ${rounds.id} and ${roundRoster.organizationId} = ${organizationId})`,
      organizationName: organizations.name,
      organizationStatus: organizations.status,
      coalitionZone: sql<string | null>`(select time_zone from coalition where id = 1)`,
    })
    .from(rounds)
    .innerJoin(proposals, eq(proposals.id, rounds.proposalId))
    .leftJoin(organizations, eq(organizations.id, organizationId))
    .where(eq(rounds.id, roundId))
    .for("share", { of: rounds });
  return row ? { ...row, now: await databaseNow(db) } : null;
}

/**
 * Who hears how a round ends: every voter of an organization on its roster, and every active
 * representative of the proposal's lead and co-sponsoring organizations; each person once.
 */
export async function listRoundAudience(db: Db, roundId: string) {
  return db
    .select({ id: people.id, email: people.email, name: people.name, timeZone: people.timeZone })
    .from(people)
    .where(
      and(
        eq(people.status, "active"),
        eq(people.role, "representative"),
        or(
          and(
            eq(people.canVote, true),
            inArray(
              people.organizationId,
              db.select({ id: roundRoster.organizationId }).from(roundRoster).where(eq(roundRoster.roundId, roundId)),
            ),
          ),
          inArray(
            people.organizationId,
            db
              .select({ id: proposals.leadOrganizationId })
              .from(proposals)
              .innerJoin(rounds, eq(rounds.proposalId, proposals.id))
              .where(eq(rounds.id, roundId)),
          ),
          inArray(
            people.organizationId,
            db
              .select({ id: proposalSponsors.organizationId })
              .from(proposalSponsors)
              .innerJoin(rounds, eq(rounds.proposalId, proposalSponsors.proposalId))
              .where(eq(rounds.id, roundId)),
          ),
        ),
      ),
    );
}

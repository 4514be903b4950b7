import { sql } from "drizzle-orm";
import {
  bigserial,
  boolean,
  check,
  index,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";
import { organizations } from "./organizations";
import { people } from "./people";
import { proposalRevisions, proposals } from "./proposals";

export const roundStatuses = ["open", "closed", "cancelled"] as const;
export type RoundStatus = (typeof roundStatuses)[number];
export const roundStatusEnum = pgEnum("round_status", roundStatuses);

export const roundOutcomes = ["adopted", "not_adopted", "blocked", "no_quorum"] as const;
export const roundOutcomeEnum = pgEnum("round_outcome", roundOutcomes);

export const ballotOptionKeys = ["endorse", "endorse_with_reservations", "stand_aside", "object", "block"] as const;
export const ballotOptionEnum = pgEnum("ballot_option", ballotOptionKeys);

/**
 * One consensus round on one revision. Settings are frozen at opening; only the deadline moves
 * (later). The outcome is computed once, at the close, by app/lib/round-outcome.ts.
 */
export const rounds = pgTable(
  "rounds",
  {
    id: id(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    revisionId: uuid()
      .notNull()
      .references(() => proposalRevisions.id),
    status: roundStatusEnum().notNull().default("open"),
    deadline: instant().notNull(),
    quorumNumerator: smallint().notNull(),
    quorumDenominator: smallint().notNull(),
    thresholdPercent: smallint().notNull(),
    membersSeeAnswers: boolean().notNull().default(true),
    instructions: text().notNull().default(""),
    openedById: uuid()
      .notNull()
      .references(() => people.id),
    openedAt: createdAt(),
    /** Reminder to organizations without an answer, 24 hours before the deadline (once). */
    reminderSentAt: instant(),
    closedAt: instant(),
    /** Null when the round closed by itself at its deadline. */
    closedById: uuid().references(() => people.id),
    cancelledAt: instant(),
    cancelledById: uuid().references(() => people.id),
    cancelReason: text(),
    outcome: roundOutcomeEnum(),
    explanation: text(),
    tally: jsonb(),
    outcomeStatement: text(),
    outcomeStatementAt: instant(),
  },
  (t) => [
    index("rounds_proposal_idx").on(t.proposalId),
    index("rounds_open_deadline_idx").on(t.status, t.deadline),
    // A proposal has at most one open round.
    uniqueIndex("rounds_one_open_per_proposal")
      .on(t.proposalId)
      .where(sql`${t.status} = 'open'`),
    check("rounds_quorum_fraction", sql`${t.quorumNumerator} >= 1 AND ${t.quorumNumerator} <= ${t.quorumDenominator}`),
    check("rounds_threshold_percent", sql`${t.thresholdPercent} BETWEEN 1 AND 100`),
  ],
);

/** The roster, frozen at opening: every eligible organization, with its name at that moment. */
export const roundRoster = pgTable(
  "round_roster",
  {
    roundId: uuid()
      .notNull()
      .references(() => rounds.id, { onDelete: "cascade" }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    organizationName: text().notNull(),
    /** Set at the close: the organization was suspended by then (it stays on the roster). */
    suspendedAtClose: boolean().notNull().default(false),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.organizationId] }), index("round_roster_organization_idx").on(t.organizationId)],
);

/** One organization's current answer in one round: one row per organization, by constraint. */
export const ballots = pgTable(
  "ballots",
  {
    id: id(),
    roundId: uuid()
      .notNull()
      .references(() => rounds.id),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    option: ballotOptionEnum().notNull(),
    reason: text().notNull().default(""),
    /** With Object or Block: the words of the text under vote the ballot is about ("" for none). */
    passage: text().notNull().default(""),
    /** With either Endorse option: may the organization be listed publicly as an endorser. */
    listPublicly: boolean().notNull().default(true),
    castById: uuid()
      .notNull()
      .references(() => people.id),
    /** A convener recorded a ballot the organization sent by mail or phone. */
    recordedByConvener: boolean().notNull().default(false),
    note: text().notNull().default(""),
    castAt: instant().notNull(),
    changes: smallint().notNull().default(0),
    /** The convener's short response to an Object or Block, written after the close. */
    response: text(),
    respondedAt: instant(),
  },
  (t) => [uniqueIndex("ballots_one_per_organization").on(t.roundId, t.organizationId)],
);

/** Every ballot as cast or changed, in order: the history shown on the round's page. */
export const ballotHistory = pgTable(
  "ballot_history",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    roundId: uuid()
      .notNull()
      .references(() => rounds.id),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    option: ballotOptionEnum().notNull(),
    reason: text().notNull(),
    passage: text().notNull().default(""),
    listPublicly: boolean().notNull(),
    castById: uuid()
      .notNull()
      .references(() => people.id),
    recordedByConvener: boolean().notNull(),
    note: text().notNull(),
    castAt: instant().notNull(),
  },
  (t) => [index("ballot_history_round_idx").on(t.roundId, t.organizationId, t.id)],
);

import { sql, type SQL } from "drizzle-orm";
import {
  customType,
  bigint,
  bigserial,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { bytea, createdAt, id, instant } from "./columns";
import { pillarEnum } from "./coalition";
import { organizations } from "./organizations";
import { people } from "./people";

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export const proposalStatuses = ["draft", "in_round", "adopted", "archived"] as const;
export type ProposalStatus = (typeof proposalStatuses)[number];
export const proposalStatusEnum = pgEnum("proposal_status", proposalStatuses);

/**
 * A policy text being drafted. The body's source of truth is the Yjs document (snapshot + update
 * log below); `bodyJson`, `bodyHtml` and `bodyText` are derived from it by the collaboration
 * server (debounced while people type, exact at every revision and unload) for search and lists.
 */
export const proposals = pgTable(
  "proposals",
  {
    id: id(),
    title: text().notNull(),
    summary: text().notNull().default(""),
    pillars: pillarEnum().array().notNull(),
    leadOrganizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    status: proposalStatusEnum().notNull().default("draft"),
    createdById: uuid().references(() => people.id),
    createdAt: createdAt(),
    /** Last change to the metadata or the text (the text's derived copy is what moves it). */
    updatedAt: instant().notNull().defaultNow(),
    bodyJson: jsonb().notNull().default({ type: "doc", content: [] }),
    bodyHtml: text().notNull().default(""),
    bodyText: text().notNull().default(""),
    bodyUpdatedAt: instant(),
    /**
     * Opened by a convener to direct editing by every member organization (a brainstorm); by
     * default only conveners and the lead and co-sponsoring organizations edit, others suggest.
     */
    openEditing: boolean().notNull().default(false),
    /** The words of title, summary and text, kept by the database, for the list's search (GIN index). */
    search: tsvector().generatedAlwaysAs(
      (): SQL =>
        sql`setweight(to_tsvector('english', ${proposals.title}), 'A') || setweight(to_tsvector('english', ${proposals.summary}), 'B') || setweight(to_tsvector('english', ${proposals.bodyText}), 'C')`,
    ),
  },
  (t) => [
    index("proposals_status_idx").on(t.status),
    index("proposals_search_vector_idx").using("gin", t.search),
    index("proposals_updated_idx").on(t.updatedAt),
    index("proposals_lead_organization_idx").on(t.leadOrganizationId),
    check("proposals_has_pillar", sql`cardinality(${t.pillars}) >= 1`),
  ],
);

/** Co-sponsoring organizations (the lead organization is on the proposal itself). */
export const proposalSponsors = pgTable(
  "proposal_sponsors",
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    organizationId: uuid()
      .notNull()
      .references(() => organizations.id),
    addedAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.organizationId] }), index("proposal_sponsors_organization_idx").on(t.organizationId)],
);

/**
 * The append-only Yjs update log: every accepted update (V1 encoding), in the order the server
 * applied it. Rows are removed only by compaction, which folds them into the snapshot in the same
 * transaction and deletes exactly the rows it read.
 */
export const proposalUpdates = pgTable(
  "proposal_updates",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    update: bytea().notNull(),
    /** Who sent it (the server's record of the connection's person; null: the server itself). */
    authorId: uuid().references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [index("proposal_updates_proposal_idx").on(t.proposalId, t.id)],
);

/**
 * Which person each Yjs client id of a proposal's document belongs to: bound by the collaboration
 * server to the person whose connection first wrote with it, and never rebound. Authorship (of a
 * suggestion, of a change in a comparison) is read from here, never from the document.
 */
export const proposalClientIds = pgTable(
  "proposal_client_ids",
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    clientId: bigint({ mode: "number" }).notNull(),
    personId: uuid()
      .notNull()
      .references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.clientId] })],
);

/** The compacted Yjs state of a proposal: every update folded in so far (V1 encoding). */
export const proposalSnapshots = pgTable("proposal_snapshots", {
  proposalId: uuid()
    .primaryKey()
    .references(() => proposals.id, { onDelete: "cascade" }),
  state: bytea().notNull(),
  /** How many log rows this snapshot has absorbed in all (for operators; not used to decide). */
  foldedUpdates: bigint({ mode: "number" }).notNull().default(0),
  updatedAt: instant().notNull().defaultNow(),
});

/**
 * An immutable copy of a proposal's text at one moment (a trigger refuses UPDATE and DELETE).
 * `fingerprint` is the SHA-256 (hex) of the canonical JSON of `prosemirrorJson`.
 */
export const proposalRevisions = pgTable(
  "proposal_revisions",
  {
    id: id(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    number: integer().notNull(),
    label: text().notNull(),
    yjsState: bytea().notNull(),
    prosemirrorJson: jsonb().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    fingerprint: text().notNull(),
    authorId: uuid().references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("proposal_revisions_number_key").on(t.proposalId, t.number)],
);

/**
 * The discussion under a proposal: plain text. The author may edit for 15 minutes; a convener may
 * hide a comment with a reason (kept here and in the audit trail).
 */
export const proposalComments = pgTable(
  "proposal_comments",
  {
    id: id(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    authorId: uuid()
      .notNull()
      .references(() => people.id),
    /** The author's organization when they wrote it (people may move). */
    organizationId: uuid().references(() => organizations.id),
    body: text().notNull(),
    createdAt: createdAt(),
    editedAt: instant(),
    hiddenAt: instant(),
    hiddenById: uuid().references(() => people.id),
    hideReason: text(),
  },
  (t) => [index("proposal_comments_proposal_idx").on(t.proposalId, t.createdAt, t.id)],
);

/**
 * Who deleted what: each deleted range of Yjs items, with the person whose connection sent the
 * update that deleted it (null: the server itself). Copied from the update log when it is
 * compacted into the snapshot (the log rows carry their author; the snapshot does not), so a
 * comparison of versions can say who removed words. Earliest row wins: a later update that
 * repeats a deletion (a sync reply after a reconnect) does not change who made it.
 */
export const proposalDeletions = pgTable(
  "proposal_deletions",
  {
    id: bigserial({ mode: "number" }).primaryKey(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    clientId: bigint({ mode: "number" }).notNull(),
    clock: bigint({ mode: "number" }).notNull(),
    length: integer().notNull(),
    personId: uuid().references(() => people.id),
    createdAt: createdAt(),
  },
  (t) => [index("proposal_deletions_proposal_idx").on(t.proposalId, t.clientId)],
);

/**
 * A person's looks at a proposal, so its page can show what changed since their last visit. A
 * visit is the page open (loaded, reloaded, refreshed) with gaps under an hour; `state` and
 * `seenAt` are the document as it was at the latest look, `sinceState` and `sinceAt` the document
 * at the end of the visit before this one (null: this is the first).
 */
export const proposalVisits = pgTable(
  "proposal_visits",
  {
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    personId: uuid()
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    state: bytea().notNull(),
    seenAt: instant().notNull(),
    sinceState: bytea(),
    sinceAt: instant(),
  },
  (t) => [primaryKey({ columns: [t.proposalId, t.personId] })],
);

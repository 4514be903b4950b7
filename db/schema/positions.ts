import { sql, type SQL } from "drizzle-orm";
import { customType, index, integer, jsonb, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";
import { pillarEnum } from "./coalition";
import { people } from "./people";
import { proposalRevisions, proposals } from "./proposals";
import { rounds } from "./rounds";

export const positionStatuses = ["scheduled", "published", "withdrawn", "superseded"] as const;
export type PositionStatus = (typeof positionStatuses)[number];
export const positionStatusEnum = pgEnum("position_status", positionStatuses);

const tsvector = customType<{ data: string }>({ dataType: () => "tsvector" });

export interface PositionEndorser {
  organizationId: string;
  name: string;
  logo: string | null;
}

/**
 * An adopted revision, published on the public site. Everything a reader sees is frozen here at
 * publication (the HTML rendered from the revision, the endorsers' names as they were at adoption,
 * the audit chain's head), so the public site never opens a Yjs document.
 */
export const positions = pgTable(
  "positions",
  {
    id: id(),
    /** The current slug; earlier ones stay in position_slugs. */
    slug: text().notNull().unique(),
    roundId: uuid()
      .notNull()
      .unique()
      .references(() => rounds.id),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id),
    revisionId: uuid()
      .notNull()
      .references(() => proposalRevisions.id),
    title: text().notNull(),
    summary: text().notNull(),
    /** Flesch–Kincaid grade of the summary, in tenths. */
    readingGradeTenths: integer().notNull(),
    pillars: pillarEnum().array().notNull(),
    html: text().notNull(),
    text: text().notNull(),
    fingerprint: text().notNull(),
    auditHead: text().notNull(),
    endorsers: jsonb().$type<PositionEndorser[]>().notNull(),
    participants: integer().notNull(),
    rosterSize: integer().notNull(),
    status: positionStatusEnum().notNull(),
    adoptedAt: instant().notNull(),
    /** When it becomes public: the publication time, or a later release time (embargo). */
    releaseAt: instant().notNull(),
    publishedById: uuid()
      .notNull()
      .references(() => people.id),
    createdAt: createdAt(),
    updatedAt: instant().notNull().defaultNow(),
    withdrawnAt: instant(),
    withdrawReason: text(),
    supersededById: uuid(),
    search: tsvector().generatedAlwaysAs(
      (): SQL =>
        sql`setweight(to_tsvector('english', coalesce(${positions.title}, '')), 'A') || setweight(to_tsvector('english', coalesce(${positions.summary}, '')), 'B') || setweight(to_tsvector('english', coalesce(${positions.text}, '')), 'C')`,
    ),
  },
  (t) => [index("positions_release_idx").on(t.releaseAt), index("positions_search_idx").using("gin", t.search)],
);

/** Every slug a position has had: an old slug keeps working (a redirect to the current one). */
export const positionSlugs = pgTable(
  "position_slugs",
  {
    slug: text().primaryKey(),
    positionId: uuid()
      .notNull()
      .references(() => positions.id),
    createdAt: createdAt(),
  },
  (t) => [index("position_slugs_position_idx").on(t.positionId)],
);

import { and, arrayContains, desc, eq, inArray, lte, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { searchText } from "../search-text";
import {
  ballots,
  organizationLogos,
  organizations,
  positionSlugs,
  positions,
  proposalRevisions,
  proposals,
  roundRoster,
  rounds,
  type PillarKey,
  type PositionEndorser,
} from "../schema";

export type Position = typeof positions.$inferSelect;
export type NewPosition = Omit<typeof positions.$inferInsert, "id" | "search" | "createdAt" | "updatedAt">;

/** Visible to the public: released (an embargo has passed). Withdrawn and superseded stay visible, marked. */
const released = () => lte(positions.releaseAt, sql`now()`);

/** Stores a position and its first slug, in the caller's transaction. */
export async function insertPosition(db: Db, position: NewPosition) {
  const [row] = await db.insert(positions).values(position).returning();
  await db.insert(positionSlugs).values({ slug: row!.slug, positionId: row!.id });
  return row!;
}

export async function slugTaken(db: Db, slug: string): Promise<boolean> {
  const rows = await db.select({ slug: positionSlugs.slug }).from(positionSlugs).where(eq(positionSlugs.slug, slug));
  return rows.length > 0;
}

/** What publishing a round needs: the round, its adopted revision, its proposal. */
export async function getRoundForPublishing(db: Db, roundId: string) {
  const [row] = await db
    .select({
      round: rounds,
      proposalTitle: proposals.title,
      proposalSummary: proposals.summary,
      pillars: proposals.pillars,
      revisionState: proposalRevisions.yjsState,
      fingerprint: proposalRevisions.fingerprint,
      positionId: positions.id,
      positionSlug: positions.slug,
      positionTitle: positions.title,
    })
    .from(rounds)
    .innerJoin(proposals, eq(proposals.id, rounds.proposalId))
    .innerJoin(proposalRevisions, eq(proposalRevisions.id, rounds.revisionId))
    .leftJoin(positions, eq(positions.roundId, rounds.id))
    .where(eq(rounds.id, roundId));
  return row ?? null;
}

/** Organizations that endorsed (with or without reservations) and allowed listing, by their names at opening. */
export async function listPublicEndorsers(db: Db, roundId: string) {
  return db
    .select({
      organizationId: roundRoster.organizationId,
      name: roundRoster.organizationName,
      logoSha: organizationLogos.sha256,
      logoType: organizationLogos.contentType,
    })
    .from(ballots)
    .innerJoin(roundRoster, and(eq(roundRoster.roundId, ballots.roundId), eq(roundRoster.organizationId, ballots.organizationId)))
    .leftJoin(organizationLogos, eq(organizationLogos.organizationId, ballots.organizationId))
    .where(
      and(eq(ballots.roundId, roundId), inArray(ballots.option, ["endorse", "endorse_with_reservations"]), eq(ballots.listPublicly, true)),
    )
    .orderBy(roundRoster.organizationName);
}

/** A released position by any of its slugs (null for unknown and embargoed alike). */
export async function getReleasedPositionBySlug(db: Db, slug: string) {
  const [row] = await db
    .select({ position: positions })
    .from(positionSlugs)
    .innerJoin(positions, eq(positions.id, positionSlugs.positionId))
    .where(and(eq(positionSlugs.slug, slug), released()));
  if (!row) return null;
  const successor = row.position.supersededById
    ? ((
        await db
          .select({ slug: positions.slug, title: positions.title })
          .from(positions)
          .where(and(eq(positions.id, row.position.supersededById), released()))
      )[0] ?? null)
    : null;
  return { ...row.position, successor };
}

/** The websites the endorsing organizations have today (the names on a position stay as they were). */
export async function listEndorserWebsites(db: Db, organizationIds: string[]): Promise<Map<string, string>> {
  if (organizationIds.length === 0) return new Map();
  const rows = await db
    .select({ id: organizations.id, website: organizations.website })
    .from(organizations)
    .where(inArray(organizations.id, organizationIds));
  return new Map(rows.filter((r) => r.website).map((r) => [r.id, r.website!]));
}

export interface PositionListFilter {
  pillar?: PillarKey;
  q?: string;
  limit: number;
  offset: number;
}

/** Markers around matching words in headlines: control characters no text contains. */
export const MATCH_START = "\u0002";
export const MATCH_END = "\u0003";

/**
 * Released positions, newest first, or ranked by relevance when searching (PostgreSQL full-text
 * search: title weighs more than summary, summary more than text), with highlighted snippets.
 */
export async function listReleasedPositions(db: Db, filter: PositionListFilter) {
  const words = searchText(filter.q);
  const query = words ? sql`websearch_to_tsquery('english', ${words})` : null;
  const conditions: SQL[] = [released()];
  if (filter.pillar) conditions.push(arrayContains(positions.pillars, [filter.pillar]));
  if (query) conditions.push(sql`${positions.search} @@ ${query}`);
  const where = and(...conditions);
  const rows = await db
    .select({
      id: positions.id,
      slug: positions.slug,
      title: positions.title,
      summary: positions.summary,
      pillars: positions.pillars,
      status: positions.status,
      adoptedAt: positions.adoptedAt,
      releaseAt: positions.releaseAt,
      headline: query
        ? sql<string>`ts_headline('english', ${positions.summary} || ' ' || ${positions.text}, ${query}, ${`StartSel=${MATCH_START}, StopSel=${MATCH_END}, MaxWords=35, MinWords=15, MaxFragments=2, FragmentDelimiter=" … "`})`
        : sql<string | null>`null`,
      titleHeadline: query
        ? sql<string>`ts_headline('english', ${positions.title}, ${query}, ${`StartSel=${MATCH_START}, StopSel=${MATCH_END}, HighlightAll=true`})`
        : sql<string | null>`null`,
    })
    .from(positions)
    .where(where)
    .orderBy(...(query ? [desc(sql`ts_rank(${positions.search}, ${query})`), desc(positions.releaseAt)] : [desc(positions.releaseAt)]))
    .limit(filter.limit)
    .offset(filter.offset);
  const total = await db.$count(positions, where);
  return { rows, total };
}

export async function getPosition(db: Db, id: string) {
  const [row] = await db.select().from(positions).where(eq(positions.id, id));
  return row ?? null;
}

export async function getPositionForUpdate(db: Db, id: string) {
  const [row] = await db.select().from(positions).where(eq(positions.id, id)).for("update");
  return row ?? null;
}

export async function updatePosition(db: Db, id: string, fields: Partial<NewPosition>) {
  const [row] = await db
    .update(positions)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(positions.id, id))
    .returning();
  return row ?? null;
}

export async function addSlug(db: Db, positionId: string, slug: string) {
  await db.insert(positionSlugs).values({ slug, positionId });
}

/** What conveners' lists show of a position. */
const listedPosition = {
  id: positions.id,
  slug: positions.slug,
  title: positions.title,
  status: positions.status,
  releaseAt: positions.releaseAt,
};

/** Every position, for conveners (embargoed ones too). */
export async function listAllPositions(db: Db) {
  return db
    .select({ ...listedPosition, roundId: positions.roundId })
    .from(positions)
    .orderBy(desc(positions.releaseAt));
}

/** A page of positions for conveners (embargoed ones too), latest release first. */
export async function listPositionsPage(db: Db, page: { limit: number; offset: number }) {
  return db
    .select(listedPosition)
    .from(positions)
    .orderBy(desc(positions.releaseAt), desc(positions.id))
    .limit(page.limit)
    .offset(page.offset);
}

/** Embargoed positions whose release time has come: now published. Returns their ids. */
export async function releaseDuePositions(db: Db): Promise<string[]> {
  const rows = await db
    .update(positions)
    .set({ status: "published", updatedAt: new Date() })
    .where(and(eq(positions.status, "scheduled"), released()))
    .returning({ id: positions.id });
  return rows.map((r) => r.id);
}

export type { PositionEndorser };

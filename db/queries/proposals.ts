import { searchText } from "../search-text";
import { and, arrayContains, asc, desc, eq, ilike, inArray, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../client";
import { organizations, proposalRevisions, proposalSponsors, proposals, type PillarKey, type ProposalStatus } from "../schema";

export interface ProposalFields {
  title: string;
  summary: string;
  pillars: PillarKey[];
  leadOrganizationId: string;
}

/** Creates a draft proposal (its document starts empty: no snapshot, no log rows). */
export async function createProposal(db: Db, fields: ProposalFields & { createdById: string | null }) {
  const [row] = await db.insert(proposals).values(fields).returning();
  return row!;
}

/** A proposal with its lead organization's name, or null. */
export async function getProposal(db: Db, id: string) {
  const [row] = await db
    .select({
      id: proposals.id,
      title: proposals.title,
      summary: proposals.summary,
      pillars: proposals.pillars,
      status: proposals.status,
      leadOrganizationId: proposals.leadOrganizationId,
      leadOrganizationName: organizations.name,
      createdById: proposals.createdById,
      createdAt: proposals.createdAt,
      updatedAt: proposals.updatedAt,
      bodyHtml: proposals.bodyHtml,
      bodyText: proposals.bodyText,
      bodyUpdatedAt: proposals.bodyUpdatedAt,
      openEditing: proposals.openEditing,
    })
    .from(proposals)
    .innerJoin(organizations, eq(organizations.id, proposals.leadOrganizationId))
    .where(eq(proposals.id, id));
  return row ?? null;
}

/** A proposal's current text as derived ProseMirror JSON and plain text (the history compares them), or null. */
export async function getProposalBody(db: Db, id: string) {
  const [row] = await db.select({ json: proposals.bodyJson, text: proposals.bodyText }).from(proposals).where(eq(proposals.id, id));
  return row ?? null;
}

/** Opens a draft to direct editing by every member organization, or closes it again. */
export async function setOpenEditing(db: Db, id: string, openEditing: boolean) {
  await db.update(proposals).set({ openEditing, updatedAt: new Date() }).where(eq(proposals.id, id));
}

/** Locks a proposal's row for the rest of the transaction (metadata changes, revisions, rounds). */
export async function getProposalForUpdate(db: Db, id: string) {
  const [row] = await db.select().from(proposals).where(eq(proposals.id, id)).for("update");
  return row ?? null;
}

/** Changes title, summary, pillars or lead organization; moves `updatedAt`. */
export async function updateProposal(db: Db, id: string, fields: Partial<ProposalFields>) {
  const [row] = await db
    .update(proposals)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(proposals.id, id))
    .returning();
  return row ?? null;
}

/** Sets a proposal's status (rounds lock, adopt, unlock; conveners archive). */
export async function setProposalStatus(db: Db, id: string, status: ProposalStatus) {
  const [row] = await db.update(proposals).set({ status, updatedAt: new Date() }).where(eq(proposals.id, id)).returning();
  return row ?? null;
}

/** The co-sponsoring organizations of a proposal, by name. */
export async function listSponsors(db: Db, proposalId: string) {
  return db
    .select({ id: organizations.id, name: organizations.name })
    .from(proposalSponsors)
    .innerJoin(organizations, eq(organizations.id, proposalSponsors.organizationId))
    .where(eq(proposalSponsors.proposalId, proposalId))
    .orderBy(asc(organizations.name));
}

/** Replaces the co-sponsors of a proposal with exactly `organizationIds`. */
export async function setSponsors(db: Db, proposalId: string, organizationIds: string[]) {
  await db.delete(proposalSponsors).where(eq(proposalSponsors.proposalId, proposalId));
  if (organizationIds.length > 0) {
    await db.insert(proposalSponsors).values(organizationIds.map((organizationId) => ({ proposalId, organizationId })));
  }
}

export interface ProposalFilter {
  pillar?: PillarKey;
  status?: ProposalStatus;
  /** Words searched in title, summary and text (full text), plus a plain substring of the title or summary. */
  query?: string;
  /** Only proposals led or co-sponsored by this organization, or created by this person. */
  involving?: { organizationId: string | null; personId: string };
  limit?: number;
  /** Rows skipped (paging: the list is ordered by last change, newest first). */
  offset?: number;
}

/** Proposals for lists: newest change first, with the lead organization's name. */
export async function listProposals(db: Db, filter: ProposalFilter = {}) {
  const conditions: SQL[] = [];
  if (filter.pillar) conditions.push(arrayContains(proposals.pillars, [filter.pillar]));
  if (filter.status) conditions.push(eq(proposals.status, filter.status));
  const query = searchText(filter.query);
  if (query) {
    const pattern = `%${query.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    // The words of the whole text through the kept, indexed tsvector; a plain substring (part of
    // a word) in the title and summary only: matching one in every text would read them all.
    conditions.push(
      or(
        sql`${proposals.search} @@ websearch_to_tsquery('english', ${query})`,
        ilike(proposals.title, pattern),
        ilike(proposals.summary, pattern),
      )!,
    );
  }
  if (filter.involving) {
    const { organizationId, personId } = filter.involving;
    const sponsored = organizationId
      ? sql`exists (select 1 from ${proposalSponsors} where ${proposalSponsors.proposalId} = ${proposals.id} and ${proposalSponsors.organizationId} = ${organizationId})`
      : sql`false`;
    conditions.push(
      or(eq(proposals.createdById, personId), organizationId ? eq(proposals.leadOrganizationId, organizationId) : sql`false`, sponsored)!,
    );
  }
  return db
    .select({
      id: proposals.id,
      title: proposals.title,
      summary: proposals.summary,
      pillars: proposals.pillars,
      status: proposals.status,
      leadOrganizationName: organizations.name,
      updatedAt: proposals.updatedAt,
    })
    .from(proposals)
    .innerJoin(organizations, eq(organizations.id, proposals.leadOrganizationId))
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(proposals.updatedAt), desc(proposals.id))
    .limit(filter.limit ?? 200)
    .offset(filter.offset ?? 0);
}

/** Sponsors of many proposals at once (lists). */
export async function listSponsorsOf(db: Db, proposalIds: string[]) {
  if (proposalIds.length === 0) return [];
  return db
    .select({ proposalId: proposalSponsors.proposalId, name: organizations.name })
    .from(proposalSponsors)
    .innerJoin(organizations, eq(organizations.id, proposalSponsors.organizationId))
    .where(inArray(proposalSponsors.proposalId, proposalIds));
}

export interface NewRevision {
  proposalId: string;
  label: string;
  yjsState: Uint8Array;
  prosemirrorJson: unknown;
  html: string;
  text: string;
  fingerprint: string;
  authorId: string | null;
}

/**
 * Stores a revision with the next number. The caller holds the proposal's row lock
 * (getProposalForUpdate), which orders revisions of one proposal.
 */
export async function insertRevision(db: Db, revision: NewRevision) {
  const [last] = await db
    .select({ number: proposalRevisions.number })
    .from(proposalRevisions)
    .where(eq(proposalRevisions.proposalId, revision.proposalId))
    .orderBy(desc(proposalRevisions.number))
    .limit(1);
  const [row] = await db
    .insert(proposalRevisions)
    .values({ ...revision, number: (last?.number ?? 0) + 1 })
    .returning({
      id: proposalRevisions.id,
      number: proposalRevisions.number,
      label: proposalRevisions.label,
      fingerprint: proposalRevisions.fingerprint,
      createdAt: proposalRevisions.createdAt,
    });
  return row!;
}

/** A proposal's revisions, newest first, without their bodies. */
export async function listRevisions(db: Db, proposalId: string) {
  return db
    .select({
      id: proposalRevisions.id,
      number: proposalRevisions.number,
      label: proposalRevisions.label,
      fingerprint: proposalRevisions.fingerprint,
      authorId: proposalRevisions.authorId,
      createdAt: proposalRevisions.createdAt,
    })
    .from(proposalRevisions)
    .where(eq(proposalRevisions.proposalId, proposalId))
    .orderBy(desc(proposalRevisions.number));
}

/** How many revisions a proposal has. */
export async function countRevisions(db: Db, proposalId: string) {
  return db.$count(proposalRevisions, eq(proposalRevisions.proposalId, proposalId));
}

/** One revision of a proposal with its bodies, or null. */
export async function getRevision(db: Db, proposalId: string, revisionId: string) {
  const [row] = await db
    .select()
    .from(proposalRevisions)
    .where(and(eq(proposalRevisions.proposalId, proposalId), eq(proposalRevisions.id, revisionId)));
  return row ?? null;
}

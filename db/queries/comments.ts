import { and, eq, isNotNull, isNull, sql } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { organizations, people, proposalComments } from "../schema";
import { createdAtCursorCondition, createdAtCursorOrder, type RowCursor } from "./keyset";

const hider = alias(people, "hider");

/** Adds a plain-text comment under a proposal. */
export async function addComment(db: Db, fields: { proposalId: string; authorId: string; organizationId: string | null; body: string }) {
  const [row] = await db.insert(proposalComments).values(fields).returning();
  return row!;
}

/**
 * A keyset page of a proposal's discussion, with authors' and organizations' names: newest first,
 * or oldest first above an `after` cursor. Hidden comments only when `withHidden` (conveners).
 */
export async function listCommentsPage(db: Db, proposalId: string, options: { cursor: RowCursor; limit: number; withHidden: boolean }) {
  const conditions = [eq(proposalComments.proposalId, proposalId)];
  if (!options.withHidden) conditions.push(isNull(proposalComments.hiddenAt));
  if (options.cursor) conditions.push(createdAtCursorCondition("proposal_comments", options.cursor));
  return db
    .select({
      id: proposalComments.id,
      body: proposalComments.body,
      authorId: proposalComments.authorId,
      authorName: people.name,
      organizationName: organizations.name,
      createdAt: proposalComments.createdAt,
      editedAt: proposalComments.editedAt,
      hiddenAt: proposalComments.hiddenAt,
      hideReason: proposalComments.hideReason,
      hiddenByName: hider.name,
    })
    .from(proposalComments)
    .innerJoin(people, eq(people.id, proposalComments.authorId))
    .leftJoin(organizations, eq(organizations.id, proposalComments.organizationId))
    .leftJoin(hider, eq(hider.id, proposalComments.hiddenById))
    .where(and(...conditions))
    .orderBy(createdAtCursorOrder("proposal_comments", options.cursor))
    .limit(options.limit);
}

/** How many comments a proposal's discussion has: those shown to everyone, and those hidden by a convener. */
export async function countComments(db: Db, proposalId: string) {
  const [row] = await db
    .select({
      shown: sql<number>`count(*) filter (where ${proposalComments.hiddenAt} is null)::int`,
      hidden: sql<number>`count(*) filter (where ${isNotNull(proposalComments.hiddenAt)})::int`,
    })
    .from(proposalComments)
    .where(eq(proposalComments.proposalId, proposalId));
  return { shown: row?.shown ?? 0, hidden: row?.hidden ?? 0 };
}

/** One comment of a proposal, locked for the rest of the transaction, or null. */
export async function getCommentForUpdate(db: Db, proposalId: string, commentId: string) {
  const [row] = await db
    .select()
    .from(proposalComments)
    .where(and(eq(proposalComments.proposalId, proposalId), eq(proposalComments.id, commentId)))
    .for("update");
  return row ?? null;
}

/** Replaces a comment's text (its author, within the editing window). */
export async function editComment(db: Db, commentId: string, body: string, at = new Date()) {
  await db.update(proposalComments).set({ body, editedAt: at }).where(eq(proposalComments.id, commentId));
}

/** Hides a comment with the convener's reason (the text stays, for the audit). */
export async function hideComment(db: Db, commentId: string, hiddenById: string, reason: string, at = new Date()) {
  await db.update(proposalComments).set({ hiddenAt: at, hiddenById, hideReason: reason }).where(eq(proposalComments.id, commentId));
}

import { and, asc, eq } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { organizations, people, proposalComments } from "../schema";

const hider = alias(people, "hider");

/** Adds a plain-text comment under a proposal. */
export async function addComment(db: Db, fields: { proposalId: string; authorId: string; organizationId: string | null; body: string }) {
  const [row] = await db.insert(proposalComments).values(fields).returning();
  return row!;
}

/** A proposal's discussion, oldest first, with authors' and organizations' names. */
export async function listComments(db: Db, proposalId: string) {
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
    .where(eq(proposalComments.proposalId, proposalId))
    .orderBy(asc(proposalComments.createdAt));
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

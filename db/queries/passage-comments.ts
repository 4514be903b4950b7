import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { Db } from "../client";
import { organizations, passageComments, passageThreads, people } from "../schema";

const resolver = alias(people, "resolver");

/** Starts a thread on a passage with its first comment. */
export async function insertThread(
  db: Db,
  fields: {
    proposalId: string;
    authorId: string;
    organizationId: string | null;
    anchorFrom: Uint8Array;
    anchorTo: Uint8Array;
    quote: string;
    roundId: string | null;
    body: string;
  },
) {
  const { body, ...thread } = fields;
  const [row] = await db.insert(passageThreads).values(thread).returning({ id: passageThreads.id });
  await db.insert(passageComments).values({
    threadId: row!.id,
    authorId: fields.authorId,
    organizationId: fields.organizationId,
    body,
    roundId: fields.roundId,
  });
  return row!;
}

/** Adds a reply to a thread. */
export async function insertReply(
  db: Db,
  fields: { threadId: string; authorId: string; organizationId: string | null; body: string; roundId: string | null },
) {
  await db.insert(passageComments).values(fields);
}

/** A thread of a proposal, its row locked (resolving, replying), or null. */
export async function getThreadForUpdate(db: Db, proposalId: string, threadId: string) {
  const [row] = await db
    .select()
    .from(passageThreads)
    .where(and(eq(passageThreads.id, threadId), eq(passageThreads.proposalId, proposalId)))
    .for("update");
  return row ?? null;
}

/** Resolves a thread (by a person) or reopens it (null). */
export async function setThreadResolved(db: Db, threadId: string, resolvedById: string | null) {
  await db
    .update(passageThreads)
    .set({ resolvedAt: resolvedById ? new Date() : null, resolvedById })
    .where(eq(passageThreads.id, threadId));
}

/** A proposal's threads, oldest first, each with its comments and the names to show. */
export async function listThreads(db: Db, proposalId: string) {
  const threads = await db
    .select({
      id: passageThreads.id,
      authorId: passageThreads.authorId,
      anchorFrom: passageThreads.anchorFrom,
      anchorTo: passageThreads.anchorTo,
      quote: passageThreads.quote,
      roundId: passageThreads.roundId,
      createdAt: passageThreads.createdAt,
      resolvedAt: passageThreads.resolvedAt,
      resolvedByName: resolver.name,
    })
    .from(passageThreads)
    .leftJoin(resolver, eq(resolver.id, passageThreads.resolvedById))
    .where(eq(passageThreads.proposalId, proposalId))
    .orderBy(asc(passageThreads.createdAt));
  if (threads.length === 0) return [];
  const comments = await db
    .select({
      id: passageComments.id,
      threadId: passageComments.threadId,
      body: passageComments.body,
      authorName: people.name,
      organizationName: organizations.name,
      roundId: passageComments.roundId,
      createdAt: passageComments.createdAt,
    })
    .from(passageComments)
    .innerJoin(people, eq(people.id, passageComments.authorId))
    .leftJoin(organizations, eq(organizations.id, passageComments.organizationId))
    .where(
      inArray(
        passageComments.threadId,
        threads.map((t) => t.id),
      ),
    )
    .orderBy(asc(passageComments.createdAt));
  return threads.map((t) => ({ ...t, comments: comments.filter((c) => c.threadId === t.id) }));
}

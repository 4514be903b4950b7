import { and, eq, inArray, lte, or, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { outbox, type MailStatus } from "../schema";
import { createdAtCursorCondition, createdAtCursorOrder, type RowCursor } from "./keyset";

export type OutboxMail = typeof outbox.$inferSelect;

/** Puts a mail in the outbox, in the caller's transaction, so the mail exists iff the change does. */
export async function enqueueMail(
  db: Db,
  mail: { to: string; subject: string; body: string },
  status: Extract<MailStatus, "queued" | "kept">,
) {
  const [row] = await db.insert(outbox).values({ toAddress: mail.to, subject: mail.subject, body: mail.body, status }).returning();
  return row!;
}

export async function enqueueMails(
  db: Db,
  mails: { to: string; subject: string; body: string }[],
  status: Extract<MailStatus, "queued" | "kept">,
) {
  await insertMails(db, mails, status);
}

/** The insert of `enqueueMails`, not yet sent: to run in another statement (recordAudit's `alongside`). */
export function insertMails(
  db: Db,
  mails: { to: string; subject: string; body: string }[],
  status: Extract<MailStatus, "queued" | "kept">,
) {
  return db
    .insert(outbox)
    .values(mails.map((m) => ({ toAddress: m.to, subject: m.subject, body: m.body, status })))
    .returning({ id: outbox.id });
}

/** A keyset page of the outbox: newest first, or oldest first above an `after` cursor. */
export async function listOutboxPage(db: Db, cursor: RowCursor, limit: number) {
  return db
    .select()
    .from(outbox)
    .where(cursor ? createdAtCursorCondition("outbox", cursor) : undefined)
    .orderBy(createdAtCursorOrder("outbox", cursor))
    .limit(limit);
}

/**
 * Claims mails that are due, moving their next attempt into the future first, so a second
 * delivery loop (another process) skips them instead of sending them twice.
 */
export async function claimDueMails(db: Db, limit: number, leaseMs: number, now = new Date()) {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: outbox.id })
      .from(outbox)
      .where(and(eq(outbox.status, "queued"), or(isNull(outbox.nextAttemptAt), lte(outbox.nextAttemptAt, now))))
      .orderBy(outbox.createdAt)
      .limit(limit)
      .for("update", { skipLocked: true });
    if (due.length === 0) return [];
    return tx
      .update(outbox)
      .set({ nextAttemptAt: new Date(now.getTime() + leaseMs), attempts: sql`${outbox.attempts} + 1` })
      .where(
        inArray(
          outbox.id,
          due.map((d) => d.id),
        ),
      )
      .returning();
  });
}

/**
 * Takes a claimed mail again just before it is sent: only while the claim is still this sender's
 * (`claimedUntil`, as claimDueMails or this returned it), and for a new lease from now. A batch
 * whose lease ran out while earlier mails were slow may have been claimed by another process: its
 * mails are then skipped here, never sent twice.
 */
export async function renewMailClaim(db: Db, id: string, claimedUntil: Date, leaseMs: number, now = new Date()) {
  const [row] = await db
    .update(outbox)
    .set({ nextAttemptAt: new Date(now.getTime() + leaseMs) })
    .where(and(eq(outbox.id, id), eq(outbox.status, "queued"), eq(outbox.nextAttemptAt, claimedUntil)))
    .returning({ nextAttemptAt: outbox.nextAttemptAt });
  return row?.nextAttemptAt ?? null;
}

export async function markMailSent(db: Db, id: string, now = new Date()) {
  await db.update(outbox).set({ status: "sent", sentAt: now, lastError: null }).where(eq(outbox.id, id));
}

export async function markMailAttemptFailed(db: Db, id: string, error: string, retryAt: Date | null) {
  await db
    .update(outbox)
    .set(retryAt ? { lastError: error, nextAttemptAt: retryAt } : { status: "failed", lastError: error, nextAttemptAt: null })
    .where(eq(outbox.id, id));
}

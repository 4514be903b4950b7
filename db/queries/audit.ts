import { sha256 } from "@oslojs/crypto/sha2";
import { encodeHexLowerCase } from "@oslojs/encoding";
import { and, asc, desc, eq, gt, lt, sql, type SQLWrapper } from "drizzle-orm";
import { alias, PgTransaction } from "drizzle-orm/pg-core";
import { canonicalJson } from "../canonical-json";
import type { Db } from "../client";
import { auditEvents, organizations, people } from "../schema";

const actor = alias(people, "actor");
const subjectPerson = alias(people, "subject_person");

export const AUDIT_GENESIS_HASH = "0".repeat(64);

export interface AuditInput {
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId?: string | null;
  before?: unknown;
  after?: unknown;
}

type HashedFields = {
  at: Date;
  actorId: string | null;
  action: string;
  subjectType: string;
  subjectId: string | null;
  before: unknown;
  after: unknown;
  prevHash: string;
};

export function hashAuditEvent(event: HashedFields): string {
  const payload = canonicalJson({ ...event, at: event.at.toISOString() });
  return encodeHexLowerCase(sha256(new TextEncoder().encode(payload)));
}

/** Values as jsonb will give them back: plain JSON, dates as ISO strings, no undefined. */
function asStoredJson(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}

/** Stands for the previous event's hash while the payload is written (JSON escapes it: no text can equal it). */
const PREV_HASH_PLACEHOLDER = "\u0000";

/**
 * Appends one event to the hash chain, inside the caller's transaction (or a transaction of its
 * own when called outside one). A transaction-level advisory lock serializes appends, so each
 * sees the previous head; it is released only when the caller's transaction ends, with the
 * change the event records. Callers append last, so the lock is held as briefly as possible:
 * one call of the database's `care_append_audit_event` takes the lock, then reads the head, hashes
 * and inserts in statements after it (the hash is `sha256` of the same canonical JSON that
 * `hashAuditEvent` hashes, with the head put in the place kept for it), then the caller commits.
 * Returns the event's hash: the chain's head once the transaction commits.
 *
 * `alongside`: a data-modifying statement with RETURNING that is part of the same change (a
 * ballot's receipts), sent in the same round trip and run to completion before the lock is taken.
 */
export async function recordAudit(db: Db, input: AuditInput, alongside?: SQLWrapper | null): Promise<string> {
  if (!(db instanceof PgTransaction)) return db.transaction((tx) => recordAudit(tx, input, alongside));
  const fields: HashedFields = {
    at: new Date(),
    actorId: input.actorId,
    action: input.action,
    subjectType: input.subjectType,
    subjectId: input.subjectId ?? null,
    before: asStoredJson(input.before),
    after: asStoredJson(input.after),
    prevHash: PREV_HASH_PLACEHOLDER,
  };
  const payload = canonicalJson({ ...fields, at: fields.at.toISOString() });
  // The top-level key comes after every key of `before` and `after` (keys are sorted), so its
  // place is the last one; subjectId and subjectType after it are plain strings.
  const marker = `"prevHash":${JSON.stringify(PREV_HASH_PLACEHOLDER)}`;
  const at = payload.lastIndexOf(marker);
  const prefix = payload.slice(0, at) + '"prevHash":"';
  const suffix = '"' + payload.slice(at + marker.length);
  // One round trip: the chain's lock, then the head read and the insert, each after the lock
  // (migrations/0012_audit-append-function.sql).
  const append = sql`care_append_audit_event(${fields.at.toISOString()}::timestamptz, ${fields.actorId}::uuid, ${fields.action}::text,
      ${fields.subjectType}::text, ${fields.subjectId}::text, ${fields.before === null ? null : JSON.stringify(fields.before)}::jsonb,
      ${fields.after === null ? null : JSON.stringify(fields.after)}::jsonb, ${prefix}::text, ${suffix}::text)`;
  // The statement alongside is read (counted) before the function is called: it has run by then.
  const result = await db.execute<{ hash: string }>(
    alongside
      ? sql`with alongside as (${alongside.getSQL()}) select ${append} as hash from (select count(*) from alongside) as done`
      : sql`select ${append} as hash`,
  );
  const [row] = (result as unknown as { rows: { hash: string }[] }).rows;
  return row!.hash;
}

export type AuditVerification = { ok: true; count: number; head: string } | { ok: false; count: number; brokenSeq: number; reason: string };

/** Recomputes the chain from the first event; names the first event that does not fit. */
export async function verifyAuditChain(db: Db, batchSize = 1000): Promise<AuditVerification> {
  let prevHash = AUDIT_GENESIS_HASH;
  let lastSeq = 0;
  let count = 0;
  for (;;) {
    const rows = await db.select().from(auditEvents).where(gt(auditEvents.seq, lastSeq)).orderBy(asc(auditEvents.seq)).limit(batchSize);
    if (rows.length === 0) return { ok: true, count, head: prevHash };
    for (const row of rows) {
      if (row.prevHash !== prevHash) {
        return { ok: false, count, brokenSeq: row.seq, reason: "its link to the previous event does not match" };
      }
      const expected = hashAuditEvent({
        at: row.at,
        actorId: row.actorId,
        action: row.action,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        before: row.before,
        after: row.after,
        prevHash: row.prevHash,
      });
      if (expected !== row.hash) {
        return { ok: false, count, brokenSeq: row.seq, reason: "its content does not match its hash" };
      }
      prevHash = row.hash;
      lastSeq = row.seq;
      count++;
    }
  }
}

/**
 * A page of events with the actor's name and the subject's name where known: newest first, below
 * `before` when given; or oldest first above `after` (paging back towards the newest).
 */
export async function listAuditEventsWithNames(db: Db, options: { limit: number; before?: number; after?: number }) {
  return db
    .select({
      seq: auditEvents.seq,
      at: auditEvents.at,
      action: auditEvents.action,
      subjectType: auditEvents.subjectType,
      subjectId: auditEvents.subjectId,
      before: auditEvents.before,
      after: auditEvents.after,
      hash: auditEvents.hash,
      actorName: actor.name,
      subjectLabel: sql<string | null>`coalesce(${subjectPerson.name}, ${organizations.name})`,
    })
    .from(auditEvents)
    .leftJoin(actor, eq(actor.id, auditEvents.actorId))
    .leftJoin(subjectPerson, and(eq(auditEvents.subjectType, "person"), eq(sql`${subjectPerson.id}::text`, auditEvents.subjectId)))
    .leftJoin(organizations, and(eq(auditEvents.subjectType, "organization"), eq(sql`${organizations.id}::text`, auditEvents.subjectId)))
    .where(
      options.after !== undefined
        ? gt(auditEvents.seq, options.after)
        : options.before !== undefined
          ? lt(auditEvents.seq, options.before)
          : undefined,
    )
    .orderBy(options.after !== undefined ? asc(auditEvents.seq) : desc(auditEvents.seq))
    .limit(options.limit);
}

import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client";
import { mailDigestItems, mailDigests, mailPreferences, people, type MailKind, type MailMode } from "../schema";

/** One person's choices, per kind (kinds without a row are `immediate`). */
export async function listMailPreferences(db: Db, personId: string): Promise<Partial<Record<MailKind, MailMode>>> {
  const rows = await db
    .select({ kind: mailPreferences.kind, mode: mailPreferences.mode })
    .from(mailPreferences)
    .where(eq(mailPreferences.personId, personId));
  return Object.fromEntries(rows.map((r) => [r.kind, r.mode]));
}

/** Sets one person's choices; every kind given is written, in one statement. */
export async function setMailPreferences(db: Db, personId: string, choices: Partial<Record<MailKind, MailMode>>) {
  const rows = Object.entries(choices).map(([kind, mode]) => ({ personId, kind: kind as MailKind, mode: mode as MailMode }));
  if (rows.length === 0) return;
  await db
    .insert(mailPreferences)
    .values(rows)
    .onConflictDoUpdate({
      target: [mailPreferences.personId, mailPreferences.kind],
      set: { mode: sql`excluded.mode`, updatedAt: sql`now()` },
    });
}

/** Each person's mode for one kind (`immediate` when they never chose). */
export async function modesFor(db: Db, personIds: string[], kind: MailKind): Promise<Map<string, MailMode>> {
  const modes = new Map<string, MailMode>(personIds.map((id) => [id, "immediate"]));
  if (personIds.length === 0) return modes;
  const rows = await db
    .select({ personId: mailPreferences.personId, mode: mailPreferences.mode })
    .from(mailPreferences)
    .where(and(eq(mailPreferences.kind, kind), inArray(mailPreferences.personId, personIds)));
  for (const r of rows) modes.set(r.personId, r.mode);
  return modes;
}

/** Keeps mails for their people's next digest, in the caller's transaction. */
export async function addDigestItems(db: Db, items: { personId: string; kind: MailKind; subject: string; body: string }[]) {
  if (items.length === 0) return;
  await db.insert(mailDigestItems).values(items);
}

/** People with mail waiting for a digest, with their time zone (null: the coalition's). */
export async function listPeopleWithPendingDigest(db: Db) {
  const rows = await db
    .selectDistinct({ personId: mailDigestItems.personId, email: people.email, name: people.name, timeZone: people.timeZone })
    .from(mailDigestItems)
    .innerJoin(people, eq(people.id, mailDigestItems.personId))
    .where(and(isNull(mailDigestItems.digestId), eq(people.status, "active")));
  return rows;
}

/**
 * Gathers one person's waiting mail into the digest of `day`, once: the waiting rows are locked
 * (SKIP LOCKED: a second process gathering at the same moment sees none), and the digest's row is
 * unique per person and day (a second pass the same day inserts nothing and gathers nothing).
 * Returns the gathered items, or null when there was nothing to gather or the day's digest exists.
 */
export async function claimDigest(db: Db, personId: string, day: string) {
  const items = await db
    .select({ id: mailDigestItems.id, kind: mailDigestItems.kind, subject: mailDigestItems.subject, body: mailDigestItems.body })
    .from(mailDigestItems)
    .where(and(eq(mailDigestItems.personId, personId), isNull(mailDigestItems.digestId)))
    .orderBy(mailDigestItems.createdAt)
    .for("update", { skipLocked: true });
  if (items.length === 0) return null;
  const [digest] = await db.insert(mailDigests).values({ personId, day }).onConflictDoNothing().returning({ id: mailDigests.id });
  if (!digest) return null;
  await db
    .update(mailDigestItems)
    .set({ digestId: digest.id })
    .where(
      inArray(
        mailDigestItems.id,
        items.map((i) => i.id),
      ),
    );
  return items;
}

import { asc, eq } from "drizzle-orm";
import type { Db } from "../client";
import { coalition, organizations, pillars, type PillarKey } from "../schema";

export interface CoalitionProfile {
  name: string;
  shortName: string;
  tagline: string;
  about: string;
  vision: string;
  context: string;
  convenerLine: string;
  contactEmail: string;
  timeZone: string;
  pillars: { key: PillarKey; name: string; description: string }[];
  organizations: { name: string; shortName: string; website?: string; description?: string }[];
}

export async function getCoalition(db: Db) {
  const [row] = await db.select().from(coalition).where(eq(coalition.id, 1));
  return row ?? null;
}

/** The coalition's time zone: times are shown in it to anyone who has not chosen their own. */
export const DEFAULT_TIME_ZONE = "America/New_York";

export async function getCoalitionTimeZone(db: Db): Promise<string> {
  return (await findCoalitionTimeZone(db)) ?? DEFAULT_TIME_ZONE;
}

/** The zone the coalition was seeded with (never changed by the application), or null before the seed. */
export async function findCoalitionTimeZone(db: Db): Promise<string | null> {
  const [row] = await db.select({ timeZone: coalition.timeZone }).from(coalition).where(eq(coalition.id, 1));
  return row?.timeZone ?? null;
}

export interface SiteText {
  name: string;
  shortName: string;
  tagline: string;
  about: string;
  vision: string;
  context: string;
  convenerLine: string;
  contactEmail: string;
  inquiryRetentionMonths: number;
}

/** Locks the coalition's row for the rest of the transaction (read-then-write of the site text). */
export async function getCoalitionForUpdate(db: Db) {
  const [row] = await db.select().from(coalition).where(eq(coalition.id, 1)).for("update");
  return row ?? null;
}

export async function updateCoalition(db: Db, fields: SiteText) {
  const [row] = await db
    .update(coalition)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(coalition.id, 1))
    .returning();
  return row ?? null;
}

export async function updatePillarDescription(db: Db, key: PillarKey, description: string) {
  await db.update(pillars).set({ description }).where(eq(pillars.key, key));
}

export async function listPillars(db: Db) {
  return db.select().from(pillars).orderBy(asc(pillars.sortOrder));
}

/**
 * Loads the coalition's profile into an empty database, in one transaction. Returns false (and
 * changes nothing) when a profile is already there: the seed is for the first start only.
 */
export async function seedCoalition(db: Db, profile: CoalitionProfile): Promise<boolean> {
  return db.transaction(async (tx) => {
    const inserted = await tx
      .insert(coalition)
      .values({
        id: 1,
        name: profile.name,
        shortName: profile.shortName,
        tagline: profile.tagline,
        about: profile.about,
        vision: profile.vision,
        context: profile.context,
        convenerLine: profile.convenerLine,
        contactEmail: profile.contactEmail,
        timeZone: profile.timeZone,
      })
      .onConflictDoNothing()
      .returning({ id: coalition.id });
    if (inserted.length === 0) return false;
    await tx.insert(pillars).values(profile.pillars.map((p, i) => ({ ...p, sortOrder: i })));
    if (profile.organizations.length > 0) {
      await tx
        .insert(organizations)
        .values(
          profile.organizations.map((o) => ({
            name: o.name,
            shortName: o.shortName,
            website: o.website ?? null,
            description: o.description ?? "",
          })),
        )
        .onConflictDoNothing();
    }
    return true;
  });
}

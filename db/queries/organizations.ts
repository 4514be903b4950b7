import { asc, eq, ne, sql } from "drizzle-orm";
import type { Db } from "../client";
import { organizationLogos, organizations, people, type OrganizationStatus, type PillarKey } from "../schema";

export interface OrganizationFields {
  name: string;
  shortName: string;
  website: string | null;
  description: string;
  pillars: PillarKey[];
  votingMember: boolean;
}

export type Organization = typeof organizations.$inferSelect;

export async function listOrganizations(db: Db) {
  return db.select().from(organizations).orderBy(asc(organizations.name));
}

/** Organizations with how many people they have and how many of them can vote. */
export async function listOrganizationsWithPeople(db: Db) {
  return db
    .select({
      organization: organizations,
      peopleCount: sql<number>`count(${people.id}) filter (where ${people.status} = 'active')`.mapWith(Number),
      voterCount: sql<number>`count(${people.id}) filter (where ${people.status} = 'active' and ${people.canVote})`.mapWith(Number),
    })
    .from(organizations)
    .leftJoin(people, eq(people.organizationId, organizations.id))
    .groupBy(organizations.id)
    .orderBy(asc(organizations.name));
}

export async function getOrganization(db: Db, id: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id));
  return row ?? null;
}

export async function getOrganizationByName(db: Db, name: string) {
  const [row] = await db
    .select({ id: organizations.id })
    .from(organizations)
    .where(sql`lower(${organizations.name}) = lower(${name})`);
  return row ?? null;
}

export async function createOrganization(db: Db, fields: OrganizationFields) {
  const [row] = await db.insert(organizations).values(fields).returning();
  return row!;
}

/** Locks the row for the rest of the transaction, so a read-then-write sees no change underneath. */
export async function getOrganizationForUpdate(db: Db, id: string) {
  const [row] = await db.select().from(organizations).where(eq(organizations.id, id)).for("update");
  return row ?? null;
}

export async function updateOrganization(db: Db, id: string, fields: Partial<OrganizationFields>) {
  const [row] = await db
    .update(organizations)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(organizations.id, id))
    .returning();
  return row ?? null;
}

export async function setOrganizationStatus(db: Db, id: string, status: OrganizationStatus) {
  const [row] = await db.update(organizations).set({ status, updatedAt: new Date() }).where(eq(organizations.id, id)).returning();
  return row ?? null;
}

/**
 * The coalition's members as the public site shows them: every organization that has not left,
 * with its logo's description (never its bytes), by name.
 */
export async function listMemberOrganizations(db: Db) {
  return db
    .select({
      id: organizations.id,
      name: organizations.name,
      shortName: organizations.shortName,
      website: organizations.website,
      description: organizations.description,
      pillars: organizations.pillars,
      logoType: organizationLogos.contentType,
      logoSha256: organizationLogos.sha256,
      logoWidth: organizationLogos.width,
      logoHeight: organizationLogos.height,
    })
    .from(organizations)
    .leftJoin(organizationLogos, eq(organizationLogos.organizationId, organizations.id))
    .where(ne(organizations.status, "left"))
    .orderBy(asc(organizations.name));
}

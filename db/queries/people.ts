import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client";
import { organizations, people, type Role } from "../schema";

export type Person = typeof people.$inferSelect;

export async function countConveners(db: Db): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)`.mapWith(Number) })
    .from(people)
    .where(and(eq(people.role, "convener"), eq(people.status, "active")));
  return row?.n ?? 0;
}

export async function getPersonByEmail(db: Db, email: string) {
  const [row] = await db
    .select()
    .from(people)
    .where(sql`lower(${people.email}) = lower(${email})`);
  return row ?? null;
}

export async function getPerson(db: Db, id: string) {
  const [row] = await db.select().from(people).where(eq(people.id, id));
  return row ?? null;
}

export async function getPersonForUpdate(db: Db, id: string) {
  const [row] = await db.select().from(people).where(eq(people.id, id)).for("update");
  return row ?? null;
}

/** Everyone, by organization and name; a page of them when `page` is given. */
export async function listPeople(db: Db, page?: { limit: number; offset: number }) {
  const query = db
    .select({
      id: people.id,
      name: people.name,
      email: people.email,
      role: people.role,
      canVote: people.canVote,
      status: people.status,
      organizationId: people.organizationId,
      organizationName: organizations.name,
    })
    .from(people)
    .leftJoin(organizations, eq(organizations.id, people.organizationId))
    .orderBy(asc(organizations.name), asc(people.name), asc(people.id))
    .$dynamic();
  return page ? query.limit(page.limit).offset(page.offset) : query;
}

export async function listActivePeopleOfOrganization(db: Db, organizationId: string) {
  return db
    .select({ id: people.id, name: people.name, email: people.email, canVote: people.canVote })
    .from(people)
    .where(and(eq(people.organizationId, organizationId), eq(people.status, "active")))
    .orderBy(asc(people.name));
}

export async function listActiveConvenerEmails(db: Db): Promise<string[]> {
  const rows = await db
    .select({ email: people.email })
    .from(people)
    .where(and(eq(people.role, "convener"), eq(people.status, "active")));
  return rows.map((r) => r.email);
}

export async function createPerson(
  db: Db,
  fields: {
    email: string;
    name: string;
    passwordHash: string;
    role: Role;
    organizationId: string | null;
    canVote: boolean;
  },
) {
  const [row] = await db.insert(people).values(fields).returning();
  return row!;
}

export async function updatePerson(
  db: Db,
  id: string,
  fields: Partial<Pick<Person, "name" | "passwordHash" | "role" | "canVote" | "status" | "timeZone" | "organizationId">>,
) {
  const [row] = await db
    .update(people)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(people.id, id))
    .returning();
  return row ?? null;
}

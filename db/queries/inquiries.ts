import { and, desc, eq, inArray, lt, sql } from "drizzle-orm";
import type { Db } from "../client";
import { inquiries, people, type InquiryStatus, type OrganizationKind } from "../schema";

export type Inquiry = typeof inquiries.$inferSelect;

export interface NewInquiry {
  name: string;
  email: string;
  organizationName: string;
  organizationKind: OrganizationKind;
  message: string;
}

/** Stores a membership inquiry sent through the public form. */
export async function createInquiry(db: Db, fields: NewInquiry) {
  const [row] = await db.insert(inquiries).values(fields).returning();
  return row!;
}

/** A page of inquiries for the conveners' list, newest first; only the columns the list shows. */
export async function listInquiries(db: Db, status: InquiryStatus | undefined, page: { limit: number; offset: number }) {
  return db
    .select({
      id: inquiries.id,
      name: inquiries.name,
      organizationName: inquiries.organizationName,
      organizationKind: inquiries.organizationKind,
      status: inquiries.status,
      createdAt: inquiries.createdAt,
    })
    .from(inquiries)
    .where(status ? eq(inquiries.status, status) : undefined)
    .orderBy(desc(inquiries.createdAt), desc(inquiries.id))
    .limit(page.limit)
    .offset(page.offset);
}

/** How many inquiries there are in each status. */
export async function countInquiriesByStatus(db: Db): Promise<Record<InquiryStatus, number>> {
  const rows = await db
    .select({ status: inquiries.status, n: sql<number>`count(*)`.mapWith(Number) })
    .from(inquiries)
    .groupBy(inquiries.status);
  const counts: Record<InquiryStatus, number> = { new: 0, contacted: 0, accepted: 0, declined: 0 };
  for (const row of rows) counts[row.status] = row.n;
  return counts;
}

/** One inquiry with the name of the convener who last handled it. */
export async function getInquiry(db: Db, id: string) {
  const [row] = await db
    .select({ inquiry: inquiries, handledByName: people.name })
    .from(inquiries)
    .leftJoin(people, eq(people.id, inquiries.handledById))
    .where(eq(inquiries.id, id));
  return row ?? null;
}

/** Locks the inquiry for the rest of the transaction: two conveners acting at once take turns. */
export async function getInquiryForUpdate(db: Db, id: string) {
  const [row] = await db.select().from(inquiries).where(eq(inquiries.id, id)).for("update");
  return row ?? null;
}

export async function updateInquiry(
  db: Db,
  id: string,
  fields: Partial<Pick<Inquiry, "status" | "note" | "organizationId" | "invitationId" | "handledById" | "closedAt">>,
) {
  const [row] = await db
    .update(inquiries)
    .set({ ...fields, updatedAt: new Date() })
    .where(eq(inquiries.id, id))
    .returning();
  return row ?? null;
}

/**
 * Deletes closed inquiries (accepted or declined) closed before `cutoff`. Returns their ids.
 * Open inquiries are kept whatever their age: someone still has to answer them.
 */
export async function deleteInquiriesClosedBefore(db: Db, cutoff: Date): Promise<string[]> {
  const rows = await db
    .delete(inquiries)
    .where(and(inArray(inquiries.status, ["accepted", "declined"]), lt(inquiries.closedAt, cutoff)))
    .returning({ id: inquiries.id });
  return rows.map((r) => r.id);
}

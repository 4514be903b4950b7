import { and, desc, eq, gt, isNull, or, sql } from "drizzle-orm";
import type { Db } from "../client";
import { auditEvents, oneTimeTokens, organizations, people } from "../schema";

/** Audit events done by the person, or about them or their organization, newest first. */
export async function listRecentActivity(db: Db, options: { personId: string; organizationId: string | null; limit: number }) {
  const aboutOrganization = options.organizationId
    ? and(eq(auditEvents.subjectType, "organization"), eq(auditEvents.subjectId, options.organizationId))
    : undefined;
  return db
    .select({ seq: auditEvents.seq, at: auditEvents.at, action: auditEvents.action, actorName: people.name })
    .from(auditEvents)
    .leftJoin(people, eq(people.id, auditEvents.actorId))
    .where(
      or(
        eq(auditEvents.actorId, options.personId),
        and(eq(auditEvents.subjectType, "person"), eq(auditEvents.subjectId, options.personId)),
        aboutOrganization,
      ),
    )
    .orderBy(desc(auditEvents.seq))
    .limit(options.limit);
}

export async function countDashboard(db: Db, now = new Date()) {
  const [row] = await db
    .select({
      organizations: sql<number>`(select count(*) from ${organizations} where ${organizations.status} <> 'left')`.mapWith(Number),
      people: sql<number>`(select count(*) from ${people} where ${people.status} = 'active')`.mapWith(Number),
      pendingInvitations: sql<number>`count(*)`.mapWith(Number),
    })
    .from(oneTimeTokens)
    .where(and(eq(oneTimeTokens.purpose, "invitation"), isNull(oneTimeTokens.usedAt), gt(oneTimeTokens.expiresAt, now)));
  return row ?? { organizations: 0, people: 0, pendingInvitations: 0 };
}

import { eq, inArray } from "drizzle-orm";
import type { Db } from "../client";
import { organizations, people, sessions } from "../schema";

export interface LiveSessionState {
  sessionId: string;
  personId: string;
  personActive: boolean;
  role: "representative" | "convener";
  organizationId: string | null;
  organizationStatus: "active" | "suspended" | "left" | null;
  canVote: boolean;
  expired: boolean;
}

/**
 * The current state of many sessions in one query (the collaboration server re-checks every open
 * connection every few seconds). A session missing from the answer has ended (logout, password
 * change, deactivation, cleanup). Nothing is written: a connection does not keep a session alive.
 */
export async function listLiveSessionStates(db: Db, sessionIds: string[], now = new Date()): Promise<LiveSessionState[]> {
  if (sessionIds.length === 0) return [];
  const rows = await db
    .select({
      sessionId: sessions.id,
      personId: sessions.personId,
      expiresAt: sessions.expiresAt,
      absoluteExpiresAt: sessions.absoluteExpiresAt,
      personStatus: people.status,
      role: people.role,
      organizationId: people.organizationId,
      canVote: people.canVote,
      organizationStatus: organizations.status,
    })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .leftJoin(organizations, eq(organizations.id, people.organizationId))
    .where(inArray(sessions.id, sessionIds));
  return rows.map((r) => ({
    sessionId: r.sessionId,
    personId: r.personId,
    personActive: r.personStatus === "active",
    role: r.role,
    organizationId: r.organizationId,
    organizationStatus: r.organizationStatus,
    canVote: r.canVote,
    expired: now >= r.expiresAt || now >= r.absoluteExpiresAt,
  }));
}

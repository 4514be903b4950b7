import { eq } from "drizzle-orm";
import type { Db } from "../client";
import { organizations, people, sessions } from "../schema";
import { generateToken, hashToken } from "../tokens";

const DAY = 24 * 60 * 60 * 1000;
/** Idle lifetime: people with chronic illness work in short sittings, days apart. */
export const SESSION_IDLE_MS = 30 * DAY;
/** Absolute lifetime: a session never lives longer than this, however much it is used. */
export const SESSION_ABSOLUTE_MS = 90 * DAY;
/** The idle expiry is pushed forward at most once a day, not on every request. */
const SESSION_REFRESH_MS = 1 * DAY;

export interface SessionPerson {
  id: string;
  email: string;
  name: string;
  role: "representative" | "convener";
  organizationId: string | null;
  organizationName: string | null;
  organizationStatus: "active" | "suspended" | "left" | null;
  canVote: boolean;
  timeZone: string | null;
}

export interface ValidSession {
  id: string;
  expiresAt: Date;
  person: SessionPerson;
}

/** Creates a session and returns the token for the cookie; only its hash is stored. */
export async function createSession(db: Db, personId: string, now = new Date()) {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
  const absoluteExpiresAt = new Date(now.getTime() + SESSION_ABSOLUTE_MS);
  await db.insert(sessions).values({ id: hashToken(token), personId, createdAt: now, expiresAt, absoluteExpiresAt });
  return { token, expiresAt: expiresAt < absoluteExpiresAt ? expiresAt : absoluteExpiresAt };
}

/**
 * Looks a cookie's token up. Expired sessions (idle or absolute) and sessions of deactivated
 * people are deleted and give null. A session in use has its idle expiry moved forward.
 */
export async function validateSessionToken(db: Db, token: string, now = new Date()): Promise<ValidSession | null> {
  const id = hashToken(token);
  const [row] = await db
    .select({
      session: sessions,
      person: {
        id: people.id,
        email: people.email,
        name: people.name,
        role: people.role,
        status: people.status,
        organizationId: people.organizationId,
        canVote: people.canVote,
        timeZone: people.timeZone,
      },
      organizationName: organizations.name,
      organizationStatus: organizations.status,
    })
    .from(sessions)
    .innerJoin(people, eq(people.id, sessions.personId))
    .leftJoin(organizations, eq(organizations.id, people.organizationId))
    .where(eq(sessions.id, id));
  if (!row) return null;
  const { session } = row;
  if (now >= session.expiresAt || now >= session.absoluteExpiresAt || row.person.status !== "active") {
    await db.delete(sessions).where(eq(sessions.id, id));
    return null;
  }
  let expiresAt = session.expiresAt;
  if (session.expiresAt.getTime() - now.getTime() < SESSION_IDLE_MS - SESSION_REFRESH_MS) {
    expiresAt = new Date(Math.min(now.getTime() + SESSION_IDLE_MS, session.absoluteExpiresAt.getTime()));
    await db.update(sessions).set({ expiresAt }).where(eq(sessions.id, id));
  }
  const { status: _status, ...person } = row.person;
  return {
    id,
    expiresAt,
    person: { ...person, organizationName: row.organizationName, organizationStatus: row.organizationStatus },
  };
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.id, sessionId));
}

/** Ends every session of a person (logout everywhere, deactivation, password change). */
export async function invalidatePersonSessions(db: Db, personId: string): Promise<void> {
  await db.delete(sessions).where(eq(sessions.personId, personId));
}

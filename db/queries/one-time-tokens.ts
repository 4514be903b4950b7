import { and, desc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../client";
import { oneTimeTokens, organizations, type TokenPurpose } from "../schema";
import { generateToken, hashToken } from "../tokens";

const HOUR = 60 * 60 * 1000;
export const TOKEN_LIFETIME_MS: Record<TokenPurpose, number> = {
  /** The setup link lives until a convener exists; a new one is made at each start. */
  setup: 365 * 24 * HOUR,
  invitation: 7 * 24 * HOUR,
  password_reset: 2 * HOUR,
};

export interface NewToken {
  purpose: TokenPurpose;
  email?: string | null;
  name?: string | null;
  organizationId?: string | null;
  canVote?: boolean;
  personId?: string | null;
  createdById?: string | null;
}

/** Stores a one-time token (hashed) and returns the token itself, to put in a link. */
export async function createOneTimeToken(db: Db, input: NewToken, now = new Date()) {
  const token = generateToken();
  const expiresAt = new Date(now.getTime() + TOKEN_LIFETIME_MS[input.purpose]);
  const [row] = await db
    .insert(oneTimeTokens)
    .values({
      tokenHash: hashToken(token),
      purpose: input.purpose,
      email: input.email ?? null,
      name: input.name ?? null,
      organizationId: input.organizationId ?? null,
      canVote: input.canVote ?? false,
      personId: input.personId ?? null,
      createdById: input.createdById ?? null,
      createdAt: now,
      expiresAt,
    })
    .returning();
  return { token, row: row! };
}

export type TokenLookup = { state: "valid"; token: typeof oneTimeTokens.$inferSelect } | { state: "expired" | "used" | "unknown" };

/** Finds a token of one purpose; locks it when called in a transaction that will consume it. */
export async function findOneTimeToken(
  db: Db,
  token: string,
  purpose: TokenPurpose,
  options: { forUpdate?: boolean; now?: Date } = {},
): Promise<TokenLookup> {
  const query = db
    .select()
    .from(oneTimeTokens)
    .where(and(eq(oneTimeTokens.tokenHash, hashToken(token)), eq(oneTimeTokens.purpose, purpose)));
  const [row] = options.forUpdate ? await query.for("update") : await query;
  if (!row) return { state: "unknown" };
  if (row.usedAt) return { state: "used" };
  if (row.expiresAt <= (options.now ?? new Date())) return { state: "expired" };
  return { state: "valid", token: row };
}

/**
 * Marks a token used. The `used_at IS NULL` condition makes this the single winner when two
 * requests race with the same link: the loser gets false.
 */
export async function consumeOneTimeToken(db: Db, id: string, now = new Date()): Promise<boolean> {
  const rows = await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.id, id), isNull(oneTimeTokens.usedAt)))
    .returning({ id: oneTimeTokens.id });
  return rows.length === 1;
}

/** Makes every unused token of a purpose (and person, when given) unusable. */
export async function revokeOneTimeTokens(db: Db, purpose: TokenPurpose, personId?: string, now = new Date()) {
  await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(
      and(eq(oneTimeTokens.purpose, purpose), isNull(oneTimeTokens.usedAt), personId ? eq(oneTimeTokens.personId, personId) : undefined),
    );
}

export async function listPendingInvitations(db: Db, now = new Date()) {
  return db
    .select({
      id: oneTimeTokens.id,
      email: oneTimeTokens.email,
      name: oneTimeTokens.name,
      canVote: oneTimeTokens.canVote,
      organizationName: organizations.name,
      expiresAt: oneTimeTokens.expiresAt,
      createdAt: oneTimeTokens.createdAt,
    })
    .from(oneTimeTokens)
    .leftJoin(organizations, eq(organizations.id, oneTimeTokens.organizationId))
    .where(and(eq(oneTimeTokens.purpose, "invitation"), isNull(oneTimeTokens.usedAt), gt(oneTimeTokens.expiresAt, now)))
    .orderBy(desc(oneTimeTokens.createdAt));
}

export async function revokeInvitation(db: Db, id: string, now = new Date()) {
  const rows = await db
    .update(oneTimeTokens)
    .set({ usedAt: now })
    .where(and(eq(oneTimeTokens.id, id), eq(oneTimeTokens.purpose, "invitation"), isNull(oneTimeTokens.usedAt)))
    .returning();
  return rows[0] ?? null;
}

import { boolean, index, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";
import { organizations } from "./organizations";
import { people } from "./people";

/**
 * Sessions as Lucia's guide builds them: the cookie carries a random token, the table keeps only
 * its SHA-256 (hex) as the id, so a leaked table cannot be replayed as cookies.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: text().primaryKey(),
    personId: uuid()
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    createdAt: createdAt(),
    /** Idle expiry, pushed forward while the session is used. */
    expiresAt: instant().notNull(),
    /** Absolute expiry: never moves. */
    absoluteExpiresAt: instant().notNull(),
  },
  (t) => [index("sessions_person_idx").on(t.personId)],
);

export const tokenPurposes = ["setup", "invitation", "password_reset"] as const;
export type TokenPurpose = (typeof tokenPurposes)[number];
export const tokenPurposeEnum = pgEnum("token_purpose", tokenPurposes);

/**
 * One-time links (the first convener's setup, invitations, password resets). Only the token's
 * SHA-256 is stored. `usedAt` makes a link single-use.
 */
export const oneTimeTokens = pgTable(
  "one_time_tokens",
  {
    id: id(),
    tokenHash: text().notNull().unique(),
    purpose: tokenPurposeEnum().notNull(),
    email: text(),
    name: text(),
    organizationId: uuid().references(() => organizations.id),
    canVote: boolean().notNull().default(false),
    personId: uuid().references(() => people.id, { onDelete: "cascade" }),
    createdById: uuid().references(() => people.id),
    createdAt: createdAt(),
    expiresAt: instant().notNull(),
    usedAt: instant(),
  },
  (t) => [index("one_time_tokens_email_idx").on(t.email)],
);

import { index, pgEnum, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";
import { people } from "./people";

/**
 * The kinds of mail a person chooses how to receive. Ballot receipts, invitations and security
 * mail are not among them: they are always sent at once.
 */
export const mailKinds = ["round_opened", "round_reminder", "round_cancelled", "round_outcome", "position_published"] as const;
export type MailKind = (typeof mailKinds)[number];
export const mailKindEnum = pgEnum("mail_kind", mailKinds);

/** `immediate`: as it happens; `digest`: gathered into one mail a day; `off`: not sent. */
export const mailModes = ["immediate", "digest", "off"] as const;
export type MailMode = (typeof mailModes)[number];
export const mailModeEnum = pgEnum("mail_mode", mailModes);

/** One person's choice for one kind; no row means `immediate`. */
export const mailPreferences = pgTable(
  "mail_preferences",
  {
    personId: uuid()
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    kind: mailKindEnum().notNull(),
    mode: mailModeEnum().notNull(),
    updatedAt: instant().notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.personId, t.kind] })],
);

/**
 * A person's daily digest: one row per person and local day, so two processes (or two passes)
 * can never send the same day's digest twice.
 */
export const mailDigests = pgTable(
  "mail_digests",
  {
    id: id(),
    personId: uuid()
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    /** The day in the person's zone, YYYY-MM-DD. */
    day: text().notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("mail_digests_person_day_key").on(t.personId, t.day)],
);

/** A mail waiting for its person's next digest; `digestId` is set when a digest gathers it. */
export const mailDigestItems = pgTable(
  "mail_digest_items",
  {
    id: id(),
    personId: uuid()
      .notNull()
      .references(() => people.id, { onDelete: "cascade" }),
    kind: mailKindEnum().notNull(),
    subject: text().notNull(),
    body: text().notNull(),
    createdAt: createdAt(),
    digestId: uuid().references(() => mailDigests.id),
  },
  (t) => [index("mail_digest_items_pending_idx").on(t.personId, t.digestId)],
);

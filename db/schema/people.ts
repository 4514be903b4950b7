import { sql } from "drizzle-orm";
import { boolean, check, index, pgEnum, pgTable, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";
import { organizations } from "./organizations";

export const roles = ["representative", "convener"] as const;
export type Role = (typeof roles)[number];
export const roleEnum = pgEnum("role", roles);

export const personStatuses = ["active", "deactivated"] as const;
export const personStatusEnum = pgEnum("person_status", personStatuses);

/**
 * A person who signs in. A representative belongs to exactly one organization; a convener is
 * staff of the convening organization and may belong to none.
 */
export const people = pgTable(
  "people",
  {
    id: id(),
    email: text().notNull(),
    name: text().notNull(),
    passwordHash: text().notNull(),
    role: roleEnum().notNull().default("representative"),
    organizationId: uuid().references(() => organizations.id),
    canVote: boolean().notNull().default(false),
    status: personStatusEnum().notNull().default("active"),
    timeZone: text(),
    createdAt: createdAt(),
    updatedAt: instant().notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("people_email_key").on(sql`lower(${t.email})`),
    index("people_organization_idx").on(t.organizationId),
    check("people_representative_has_organization", sql`${t.role} <> 'representative' OR ${t.organizationId} IS NOT NULL`),
  ],
);

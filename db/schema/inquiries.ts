import { index, pgEnum, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";
import { oneTimeTokens } from "./auth";
import { organizations } from "./organizations";
import { people } from "./people";

export const organizationKinds = ["patient_advocacy", "supporting", "other"] as const;
export type OrganizationKind = (typeof organizationKinds)[number];
export const organizationKindEnum = pgEnum("organization_kind", organizationKinds);

export const inquiryStatuses = ["new", "contacted", "accepted", "declined"] as const;
export type InquiryStatus = (typeof inquiryStatuses)[number];
export const inquiryStatusEnum = pgEnum("inquiry_status", inquiryStatuses);

/**
 * A membership request sent through the public form. Closed ones (accepted, declined) are deleted
 * after the retention period set on the coalition (inquiry_retention_months).
 */
export const inquiries = pgTable(
  "inquiries",
  {
    id: id(),
    name: text().notNull(),
    email: text().notNull(),
    organizationName: text().notNull(),
    organizationKind: organizationKindEnum().notNull(),
    message: text().notNull(),
    status: inquiryStatusEnum().notNull().default("new"),
    note: text().notNull().default(""),
    organizationId: uuid().references(() => organizations.id, { onDelete: "set null" }),
    invitationId: uuid().references(() => oneTimeTokens.id, { onDelete: "set null" }),
    handledById: uuid().references(() => people.id, { onDelete: "set null" }),
    createdAt: createdAt(),
    updatedAt: instant().notNull().defaultNow(),
    closedAt: instant(),
  },
  (t) => [index("inquiries_status_idx").on(t.status, t.createdAt), index("inquiries_closed_idx").on(t.closedAt)],
);

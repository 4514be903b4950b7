import { boolean, date, pgEnum, pgTable, text } from "drizzle-orm/pg-core";
import { createdAt, id, instant } from "./columns";
import { pillarEnum } from "./coalition";

export const organizationStatuses = ["active", "suspended", "left"] as const;
export type OrganizationStatus = (typeof organizationStatuses)[number];
export const organizationStatusEnum = pgEnum("organization_status", organizationStatuses);

export const organizations = pgTable("organizations", {
  id: id(),
  name: text().notNull().unique(),
  shortName: text().notNull().default(""),
  website: text(),
  description: text().notNull().default(""),
  pillars: pillarEnum().array().notNull().default([]),
  votingMember: boolean().notNull().default(true),
  status: organizationStatusEnum().notNull().default("active"),
  joinedOn: date({ mode: "string" }).notNull().defaultNow(),
  createdAt: createdAt(),
  updatedAt: instant().notNull().defaultNow(),
});

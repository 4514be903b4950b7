import { integer, pgEnum, pgTable, smallint, text } from "drizzle-orm/pg-core";
import { instant } from "./columns";

export const pillarKeys = ["coverage", "access", "research", "equity"] as const;
export type PillarKey = (typeof pillarKeys)[number];
export const pillarEnum = pgEnum("pillar", pillarKeys);

/** The coalition's public profile: one row, loaded from db/seed/coalition.json on first start. */
export const coalition = pgTable("coalition", {
  id: smallint().primaryKey().default(1),
  name: text().notNull(),
  shortName: text().notNull(),
  tagline: text().notNull(),
  about: text().notNull(),
  vision: text().notNull(),
  context: text().notNull().default(""),
  convenerLine: text().notNull(),
  contactEmail: text().notNull(),
  timeZone: text().notNull().default("America/New_York"),
  inquiryRetentionMonths: integer().notNull().default(24),
  updatedAt: instant().notNull().defaultNow(),
});

export const pillars = pgTable("pillars", {
  key: pillarEnum().primaryKey(),
  name: text().notNull(),
  description: text().notNull(),
  sortOrder: smallint().notNull(),
});

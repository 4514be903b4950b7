import { integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { bytea, instant } from "./columns";
import { organizations } from "./organizations";

/** An organization's logo: PNG, JPEG or WebP, checked by its bytes; served by its hash. */
export const organizationLogos = pgTable("organization_logos", {
  organizationId: uuid()
    .primaryKey()
    .references(() => organizations.id, { onDelete: "cascade" }),
  contentType: text().notNull(),
  bytes: bytea().notNull(),
  sha256: text().notNull(),
  width: integer(),
  height: integer(),
  updatedAt: instant().notNull().defaultNow(),
});

import { bigserial, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { instant } from "./columns";
import { people } from "./people";

/**
 * Append-only record of every state change that matters. Each row's hash covers its content and
 * the previous row's hash; triggers (migration 0001) refuse UPDATE, DELETE and TRUNCATE.
 */
export const auditEvents = pgTable(
  "audit_events",
  {
    seq: bigserial({ mode: "number" }).primaryKey(),
    at: instant().notNull(),
    actorId: uuid().references(() => people.id),
    action: text().notNull(),
    subjectType: text().notNull(),
    subjectId: text(),
    before: jsonb(),
    after: jsonb(),
    prevHash: text().notNull(),
    hash: text().notNull().unique(),
  },
  (t) => [
    index("audit_events_subject_idx").on(t.subjectType, t.subjectId),
    // The dashboard's "recent activity" of one person, newest first.
    index("audit_events_actor_idx").on(t.actorId, t.seq),
  ],
);

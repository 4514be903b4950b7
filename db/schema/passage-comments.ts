import { index, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { bytea, createdAt, id, instant } from "./columns";
import { organizations } from "./organizations";
import { people } from "./people";
import { proposals } from "./proposals";
import { rounds } from "./rounds";

/**
 * A thread of comments on a passage of a proposal's text. The anchor is a pair of Yjs relative
 * positions (encoded) into the `default` fragment, so it follows the text as people edit around
 * it; `quote` keeps the words as they were, shown when the passage has been deleted.
 */
export const passageThreads = pgTable(
  "passage_threads",
  {
    id: id(),
    proposalId: uuid()
      .notNull()
      .references(() => proposals.id, { onDelete: "cascade" }),
    authorId: uuid()
      .notNull()
      .references(() => people.id),
    organizationId: uuid().references(() => organizations.id),
    anchorFrom: bytea().notNull(),
    anchorTo: bytea().notNull(),
    quote: text().notNull(),
    /** The round open when the thread was started (comments stay open during a round). */
    roundId: uuid().references(() => rounds.id),
    createdAt: createdAt(),
    resolvedAt: instant(),
    resolvedById: uuid().references(() => people.id),
  },
  (t) => [index("passage_threads_proposal_idx").on(t.proposalId, t.createdAt)],
);

/** The comments of a thread: the first one opens it, the others are replies. */
export const passageComments = pgTable(
  "passage_comments",
  {
    id: id(),
    threadId: uuid()
      .notNull()
      .references(() => passageThreads.id, { onDelete: "cascade" }),
    authorId: uuid()
      .notNull()
      .references(() => people.id),
    organizationId: uuid().references(() => organizations.id),
    body: text().notNull(),
    roundId: uuid().references(() => rounds.id),
    createdAt: createdAt(),
  },
  (t) => [index("passage_comments_thread_idx").on(t.threadId, t.createdAt)],
);

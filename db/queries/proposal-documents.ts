import { and, asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../client";
import type { ProposalStatus } from "../schema";
import {
  organizations,
  people,
  proposalClientIds,
  proposalDeletions,
  proposalSnapshots,
  proposalSponsors,
  proposalUpdates,
  proposals,
  proposalVisits,
} from "../schema";

export interface StoredDocument {
  snapshot: Uint8Array | null;
  updates: { id: number; update: Uint8Array }[];
}

/**
 * The stored Yjs state of a proposal: its snapshot (if any) and the log rows after it, in order.
 * The rows are read before the snapshot: a compaction (on any process) that commits in between
 * has folded the rows it deleted into the snapshot read after it, so nothing falls between.
 */
export async function readProposalDocument(db: Db, proposalId: string): Promise<StoredDocument> {
  const updates = await db
    .select({ id: proposalUpdates.id, update: proposalUpdates.update })
    .from(proposalUpdates)
    .where(eq(proposalUpdates.proposalId, proposalId))
    .orderBy(asc(proposalUpdates.id));
  const [snapshot] = await db
    .select({ state: proposalSnapshots.state })
    .from(proposalSnapshots)
    .where(eq(proposalSnapshots.proposalId, proposalId));
  return { snapshot: snapshot?.state ?? null, updates };
}

/** A PostgreSQL array literal (text) of the given elements, each already in the array's element syntax. */
const arrayLiteral = (elements: string[]) => `{${elements.join(",")}}`;

/**
 * Appends updates to the log in one statement (one batch, any number of proposals), in the
 * given order (the log's ids are the order the server applied them). The rows travel as three
 * array parameters, so the statement is the same whatever the batch's size: building a
 * many-row VALUES list cost the relaying thread milliseconds for a large batch.
 */
export async function appendProposalUpdates(
  db: Db,
  rows: { proposalId: string; update: Uint8Array; authorId: string | null }[],
): Promise<void> {
  if (rows.length === 0) return;
  const proposalIds = arrayLiteral(rows.map((r) => r.proposalId));
  // Bytes as hex escapes inside quoted elements (the backslash doubled for the array syntax).
  const updates = arrayLiteral(
    rows.map((r) => `"\\\\x${Buffer.from(r.update.buffer, r.update.byteOffset, r.update.byteLength).toString("hex")}"`),
  );
  const authorIds = arrayLiteral(rows.map((r) => r.authorId ?? "NULL"));
  await db.execute(sql`
    insert into ${proposalUpdates} (proposal_id, update, author_id)
    select batch.proposal_id, batch.update, batch.author_id
    from unnest(${proposalIds}::uuid[], ${updates}::bytea[], ${authorIds}::uuid[]) with ordinality as batch(proposal_id, update, author_id, n)
    order by batch.n`);
}

/**
 * Folds log rows into the snapshot. Must run inside a transaction: the snapshot row is locked
 * (FOR UPDATE, created if missing) so two compactions of one proposal run one after the other,
 * and only the rows that were read are deleted (a row committed meanwhile stays in the log).
 * `fold` receives the old snapshot and the rows, and returns the new snapshot.
 */
export async function compactProposalDocument(
  tx: Db,
  proposalId: string,
  fold: (snapshot: Uint8Array | null, updates: Uint8Array[]) => Uint8Array | Promise<Uint8Array>,
  /** The ranges an update deletes: kept with the row's author, who the snapshot forgets. */
  deletionsOf?: (update: Uint8Array) => { clientId: number; clock: number; length: number }[],
): Promise<{ folded: number; bytes: number }> {
  // Creating the row first gives FOR UPDATE something to lock even for a first compaction.
  await tx
    .insert(proposalSnapshots)
    .values({ proposalId, state: new Uint8Array([0, 0]) })
    .onConflictDoNothing();
  const [current] = await tx
    .select({ state: proposalSnapshots.state, folded: proposalSnapshots.foldedUpdates })
    .from(proposalSnapshots)
    .where(eq(proposalSnapshots.proposalId, proposalId))
    .for("update");
  const rows = await tx
    .select({ id: proposalUpdates.id, update: proposalUpdates.update, authorId: proposalUpdates.authorId })
    .from(proposalUpdates)
    .where(eq(proposalUpdates.proposalId, proposalId))
    .orderBy(asc(proposalUpdates.id));
  if (rows.length === 0) return { folded: 0, bytes: current?.state.byteLength ?? 0 };
  if (deletionsOf) {
    const deletions = rows.flatMap((r) => deletionsOf(r.update).map((d) => ({ proposalId, ...d, personId: r.authorId })));
    // In log order, so the earliest row that deleted an item names who did (see the table).
    for (let i = 0; i < deletions.length; i += 2000) await tx.insert(proposalDeletions).values(deletions.slice(i, i + 2000));
  }
  const state = await fold(
    current?.state ?? null,
    rows.map((r) => r.update),
  );
  await tx
    .update(proposalSnapshots)
    .set({ state, foldedUpdates: (current?.folded ?? 0) + rows.length, updatedAt: new Date() })
    .where(eq(proposalSnapshots.proposalId, proposalId));
  // Exactly the rows folded in, by id: never a range, which could catch a row committed later.
  const ids = rows.map((r) => r.id);
  for (let i = 0; i < ids.length; i += 5000) {
    await tx
      .delete(proposalUpdates)
      .where(and(eq(proposalUpdates.proposalId, proposalId), inArray(proposalUpdates.id, ids.slice(i, i + 5000))));
  }
  return { folded: rows.length, bytes: state.byteLength };
}

export interface DerivedBody {
  json: unknown;
  html: string;
  text: string;
}

/** Stores the derived ProseMirror JSON, HTML and plain text of a proposal's body. */
export async function saveDerivedBody(db: Db, proposalId: string, body: DerivedBody, at = new Date()): Promise<void> {
  await db
    .update(proposals)
    .set({ bodyJson: body.json, bodyHtml: body.html, bodyText: body.text, bodyUpdatedAt: at, updatedAt: at })
    .where(eq(proposals.id, proposalId));
}

export interface ProposalAccessFacts {
  id: string;
  status: ProposalStatus;
  openEditing: boolean;
  /** The lead organization first, then the co-sponsors. */
  sponsorOrganizationIds: string[];
}

/** Access facts of proposals (status, drafting rule, sponsors), for the collaboration server. */
export async function listProposalStatuses(db: Db, ids: string[]): Promise<ProposalAccessFacts[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .select({ id: proposals.id, status: proposals.status, openEditing: proposals.openEditing, lead: proposals.leadOrganizationId })
    .from(proposals)
    .where(inArray(proposals.id, ids));
  const sponsors = await db
    .select({ proposalId: proposalSponsors.proposalId, organizationId: proposalSponsors.organizationId })
    .from(proposalSponsors)
    .where(inArray(proposalSponsors.proposalId, ids));
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    openEditing: r.openEditing,
    sponsorOrganizationIds: [r.lead, ...sponsors.filter((s) => s.proposalId === r.id).map((s) => s.organizationId)],
  }));
}

/** One proposal's access facts, or null when there is no such proposal. */
export async function getProposalAccess(db: Db, id: string): Promise<ProposalAccessFacts | null> {
  const [row] = await listProposalStatuses(db, [id]);
  return row ?? null;
}

/** The person bound to each Yjs client id of a proposal's document. */
export async function listClientIds(db: Db, proposalId: string): Promise<{ clientId: number; personId: string }[]> {
  return db
    .select({ clientId: proposalClientIds.clientId, personId: proposalClientIds.personId })
    .from(proposalClientIds)
    .where(eq(proposalClientIds.proposalId, proposalId));
}

/** Binds client ids to people; a binding that exists already is kept (first use wins). */
export async function bindClientIds(db: Db, rows: { proposalId: string; clientId: number; personId: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(proposalClientIds).values(rows).onConflictDoNothing();
}

/**
 * Takes the transaction-scoped advisory lock of one proposal's document for `purpose` (compaction,
 * derived text), so that with several processes one does it at a time. `wait: false` gives up at
 * once when another transaction holds it (false); `wait: true` waits its turn.
 */
export async function lockProposalDocument(tx: Db, proposalId: string, purpose: string, wait: boolean): Promise<boolean> {
  const key = sql`hashtextextended(${`${purpose}:${proposalId}`}, 0)`;
  if (wait) {
    await tx.execute(sql`select pg_advisory_xact_lock(${key})`);
    return true;
  }
  const result = (await tx.execute(sql`select pg_try_advisory_xact_lock(${key}) as locked`)) as unknown as { rows: { locked: boolean }[] };
  return Boolean(result.rows[0]?.locked);
}

/**
 * The server's record of who wrote and who deleted what in a proposal's document: client ids and
 * their people, deleted ranges (compacted ones, then the log's, in order) and the log rows with
 * their authors, plus names and organizations of everyone named.
 */
export async function readProposalAuthorship(db: Db, proposalId: string) {
  const owners = await db
    .select({ clientId: proposalClientIds.clientId, personId: proposalClientIds.personId })
    .from(proposalClientIds)
    .where(eq(proposalClientIds.proposalId, proposalId));
  const deletions = await db
    .select({
      clientId: proposalDeletions.clientId,
      clock: proposalDeletions.clock,
      length: proposalDeletions.length,
      personId: proposalDeletions.personId,
    })
    .from(proposalDeletions)
    .where(eq(proposalDeletions.proposalId, proposalId))
    .orderBy(asc(proposalDeletions.id));
  const log = await db
    .select({ update: proposalUpdates.update, authorId: proposalUpdates.authorId })
    .from(proposalUpdates)
    .where(eq(proposalUpdates.proposalId, proposalId))
    .orderBy(asc(proposalUpdates.id));
  const ids = [...new Set([...owners.map((o) => o.personId), ...deletions.map((d) => d.personId), ...log.map((l) => l.authorId)])].filter(
    (id): id is string => id !== null,
  );
  const named =
    ids.length === 0
      ? []
      : await db
          .select({ id: people.id, name: people.name, organizationId: people.organizationId, organization: organizations.name })
          .from(people)
          .leftJoin(organizations, eq(organizations.id, people.organizationId))
          .where(inArray(people.id, ids));
  return { owners, deletions, log, people: named };
}

/**
 * Records a look at a proposal (the document as shown, and when) and returns what the person had
 * seen by the end of their previous visit (null: the first visit). Looks closer together
 * than `gapMs` (an hour by default) are one visit, so reloading the page keeps showing the same changes.
 */
export async function recordProposalVisit(
  db: Db,
  proposalId: string,
  personId: string,
  state: Uint8Array,
  now: Date,
  gapMs: number,
): Promise<{ state: Uint8Array; at: Date } | null> {
  // One statement: a look at least `gapMs` after the last one begins a new visit, compared with
  // that last look; a closer one keeps the visit's comparison. SET reads the row as it was.
  const newVisit = sql`extract(epoch from (excluded.seen_at - ${proposalVisits.seenAt})) * 1000 >= ${gapMs}`;
  const [row] = await db
    .insert(proposalVisits)
    .values({ proposalId, personId, state, seenAt: now, sinceState: null, sinceAt: null })
    .onConflictDoUpdate({
      target: [proposalVisits.proposalId, proposalVisits.personId],
      set: {
        state,
        seenAt: now,
        sinceState: sql`case when ${newVisit} then ${proposalVisits.state} else ${proposalVisits.sinceState} end`,
        sinceAt: sql`case when ${newVisit} then ${proposalVisits.seenAt} else ${proposalVisits.sinceAt} end`,
      },
    })
    .returning({ sinceState: proposalVisits.sinceState, sinceAt: proposalVisits.sinceAt });
  return row?.sinceState && row.sinceAt ? { state: row.sinceState, at: row.sinceAt } : null;
}

import * as Y from "yjs";
import type { Db } from "../../db/client";
import {
  appendProposalUpdates,
  bindClientIds,
  compactProposalDocument,
  lockProposalDocument,
  readProposalDocument,
  saveDerivedBody,
} from "../../db/queries/proposal-documents";
import type { Logger } from "../logger";
import type { Deriver } from "./derive-pool";
import { deletionsOfUpdate } from "../../app/lib/authorship";

/**
 * Storing opaque Yjs bytes through db/queries: loading a document, the append-only log written in
 * small batches (group commit), compaction, and the derived body.
 */

export interface LoadedDocument {
  doc: Y.Doc;
  /** Encoded size of the loaded state (the document-size limit starts from it). */
  bytes: number;
  /** Log rows not yet folded into the snapshot. */
  logRows: number;
}

/** Loads a proposal's document: snapshot, then every log row in order, in one Yjs transaction. */
export async function loadDocument(db: Db, proposalId: string): Promise<LoadedDocument> {
  const stored = await readProposalDocument(db, proposalId);
  const doc = new Y.Doc({ gc: true });
  let bytes = 0;
  try {
    Y.transact(doc, () => {
      if (stored.snapshot) {
        Y.applyUpdate(doc, stored.snapshot);
        bytes += stored.snapshot.byteLength;
      }
      for (const row of stored.updates) {
        Y.applyUpdate(doc, row.update);
        bytes += row.update.byteLength;
      }
    });
  } catch (error) {
    doc.destroy();
    throw error;
  }
  if (doc.store.pendingStructs || doc.store.pendingDs) {
    // Every stored update was checked before it was stored; a gap means the log is damaged. Refuse
    // to serve (and so to write over) a document that is not whole.
    doc.destroy();
    throw new Error(`stored document of proposal ${proposalId} has missing updates`);
  }
  return { doc, bytes, logRows: stored.updates.length };
}

/** Folds a snapshot and log rows into one state (a fresh document, garbage-collected). */
export function foldUpdates(snapshot: Uint8Array | null, updates: Uint8Array[]): Uint8Array {
  const doc = new Y.Doc({ gc: true });
  try {
    Y.transact(doc, () => {
      if (snapshot) Y.applyUpdate(doc, snapshot);
      for (const update of updates) Y.applyUpdate(doc, update);
    });
    return Y.encodeStateAsUpdate(doc);
  } finally {
    doc.destroy();
  }
}

/**
 * Compaction: in one transaction, the snapshot row is locked, the log rows are read, folded in,
 * and exactly those rows deleted. Computed from the database, never from memory, so a document
 * that was never loaded correctly, or lacks what another process wrote, can never be written
 * over. With several processes one compacts a document at a time (an advisory lock; the others
 * skip: `folded` 0, `bytes` null).
 */
export async function compactDocument(
  db: Db,
  proposalId: string,
  /** The fold (a derive worker's, from the rooms; inline by default). */
  fold: (snapshot: Uint8Array | null, updates: Uint8Array[]) => Uint8Array | Promise<Uint8Array> = foldUpdates,
): Promise<{ folded: number; bytes: number | null }> {
  return db.transaction(async (tx) => {
    if (!(await lockProposalDocument(tx, proposalId, "compact", false))) return { folded: 0, bytes: null };
    return compactProposalDocument(tx, proposalId, fold, deletionsOfUpdate);
  });
}

/**
 * Recomputes and stores the derived JSON/HTML/text of a loaded document. Only the encoding of its
 * state happens here; the derive runs where `deriver` runs it (a worker thread).
 */
export async function storeDerived(db: Db, proposalId: string, doc: Y.Doc, deriver: Deriver): Promise<void> {
  await saveDerivedBody(db, proposalId, await deriver.body([Y.encodeStateAsUpdate(doc)]));
}

/**
 * The derived text from the log rather than from memory (several processes: a room here may lack
 * another process's latest updates). One process at a time, each reading the log after the one
 * before it wrote, so a later write is never from an older state.
 */
export async function storeDerivedFromLog(db: Db, proposalId: string, deriver: Deriver): Promise<void> {
  await db.transaction(async (tx) => {
    await lockProposalDocument(tx, proposalId, "derive", true);
    const stored = await readProposalDocument(tx, proposalId);
    // Folded and derived by the deriver (a worker thread), the snapshot first, then the log in order.
    const updates = stored.updates.map((row) => row.update);
    await saveDerivedBody(tx, proposalId, await deriver.body(stored.snapshot ? [stored.snapshot, ...updates] : updates));
  });
}

/** Whoever queued updates hears of their commit here, in log order: `count` more of its updates. */
export interface CommitSink {
  committed(count: number): void;
}

interface Entry {
  seq: number;
  sink: CommitSink;
  proposalId: string;
  update: Uint8Array;
  /** Who sent it (null: the server itself). */
  authorId: string | null;
  /** Yjs client ids this update uses for the first time, bound to its author. */
  newClientIds: number[];
}

/**
 * The append-only log writer. Updates are queued in the order the server applied them and written
 * in small batches: one batch in flight at a time, and whatever arrived meanwhile goes in the next
 * one (group commit), so latency stays at about two inserts while throughput grows with load.
 * After each batch every sink (a room) is told how many of its updates were committed: the one way
 * commits come back.
 */
export class UpdateWriter {
  private queue: Entry[] = [];
  private seq = 0;
  private committedSeq = 0;
  private writing = false;
  private scheduled = false;
  private failures = 0;
  private waiters: { seq: number; resolve: () => void }[] = [];

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly maxRows = 500,
    private readonly maxBytes = 4 * 1024 * 1024,
  ) {}

  /** Updates queued since the writer started: every document change this process accepted. */
  get enqueued(): number {
    return this.seq;
  }

  /** Updates queued and not yet committed. */
  get pending(): number {
    return this.queue.length + (this.writing ? 1 : 0);
  }

  enqueue(
    sink: CommitSink,
    proposalId: string,
    update: Uint8Array,
    author: { authorId: string | null; newClientIds: number[] } = { authorId: null, newClientIds: [] },
  ): void {
    this.queue.push({ seq: ++this.seq, sink, proposalId, update, ...author });
    this.schedule();
  }

  /** Resolves once everything queued before the call is committed (however long that takes). */
  flush(): Promise<void> {
    const target = this.seq;
    if (this.committedSeq >= target) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ seq: target, resolve }));
  }

  private schedule() {
    if (this.writing || this.scheduled) return;
    this.scheduled = true;
    // One turn of the event loop lets every message already received join the batch.
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain() {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queue.length > 0) {
        let bytes = 0;
        let n = 0;
        while (n < this.queue.length && n < this.maxRows && (n === 0 || bytes + this.queue[n]!.update.byteLength <= this.maxBytes)) {
          bytes += this.queue[n]!.update.byteLength;
          n++;
        }
        const batch = this.queue.slice(0, n);
        try {
          const rows = batch.map((e) => ({ proposalId: e.proposalId, update: e.update, authorId: e.authorId }));
          const bindings = batch.flatMap((e) =>
            e.authorId ? e.newClientIds.map((clientId) => ({ proposalId: e.proposalId, clientId, personId: e.authorId! })) : [],
          );
          // A client id's binding is stored with the first update that uses it, atomically: an
          // update in the log never lacks the record of whose it is.
          if (bindings.length === 0) await appendProposalUpdates(this.db, rows);
          else
            await this.db.transaction(async (tx) => {
              await bindClientIds(tx, bindings);
              await appendProposalUpdates(tx, rows);
            });
        } catch (error) {
          // Retried until it succeeds, never dropped: the updates stay at the head of the queue,
          // in order, and clients keep showing "Saving…" meanwhile. Backoff caps at 5 s.
          this.failures++;
          const wait = Math.min(5000, 50 * 2 ** Math.min(this.failures, 7));
          if (this.failures === 1 || this.failures % 20 === 0) {
            this.log.error({ err: error, rows: batch.length, attempt: this.failures }, "collab: storing updates failed; retrying");
          }
          await new Promise((r) => setTimeout(r, wait));
          continue;
        }
        if (this.failures > 0) this.log.warn({ attempts: this.failures }, "collab: storing updates works again");
        this.failures = 0;
        this.queue.splice(0, n);
        const counts = new Map<CommitSink, number>();
        for (const entry of batch) counts.set(entry.sink, (counts.get(entry.sink) ?? 0) + 1);
        this.committedSeq = batch[batch.length - 1]!.seq;
        for (const [sink, count] of counts) sink.committed(count);
        this.waiters = this.waiters.filter((w) => {
          if (w.seq > this.committedSeq) return true;
          w.resolve();
          return false;
        });
      }
    } finally {
      this.writing = false;
    }
  }
}

import * as Y from "yjs";
import type { Db } from "../../db/client";
import {
  appendProposalUpdates,
  bindClientIds,
  compactProposalDocument,
  readProposalDocument,
  saveDerivedBody,
} from "../../db/queries/proposal-documents";
import type { Logger } from "../logger";
import { deriveBody } from "./derive";
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
 * that was never loaded correctly can never be written over.
 */
export async function compactDocument(db: Db, proposalId: string): Promise<{ folded: number; bytes: number }> {
  return db.transaction((tx) => compactProposalDocument(tx, proposalId, foldUpdates, deletionsOfUpdate));
}

/** Recomputes and stores the derived JSON/HTML/text of a loaded document. */
export async function storeDerived(db: Db, proposalId: string, doc: Y.Doc): Promise<void> {
  await saveDerivedBody(db, proposalId, deriveBody(doc));
}

interface Entry {
  seq: number;
  proposalId: string;
  update: Uint8Array;
  /** Who sent it (null: the server itself). */
  authorId: string | null;
  /** Yjs client ids this update uses for the first time, bound to its author. */
  newClientIds: number[];
  /** Called, in log order, once the row is committed. */
  committed: () => void;
}

/**
 * The append-only log writer. Updates are queued in the order the server applied them and written
 * in small batches: one batch in flight at a time, and whatever arrived meanwhile goes in the next
 * one (group commit), so latency stays at about two inserts while throughput grows with load.
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
    private readonly onBatch: (proposalIds: Set<string>) => void,
    private readonly maxRows = 500,
    private readonly maxBytes = 4 * 1024 * 1024,
  ) {}

  /** Updates queued and not yet committed. */
  get pending(): number {
    return this.queue.length + (this.writing ? 1 : 0);
  }

  enqueue(
    proposalId: string,
    update: Uint8Array,
    committed: () => void,
    author: { authorId: string | null; newClientIds: number[] } = { authorId: null, newClientIds: [] },
  ): void {
    this.queue.push({ seq: ++this.seq, proposalId, update, committed, ...author });
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
        const ids = new Set<string>();
        for (const entry of batch) {
          entry.committed();
          ids.add(entry.proposalId);
          this.committedSeq = entry.seq;
        }
        this.onBatch(ids);
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

import * as Y from "yjs";
import type { Db } from "../../db/client";
import { getProposalAccess, listClientIds } from "../../db/queries/proposal-documents";
import type { Logger } from "../logger";
import type { ProposalFacts } from "./authenticate";
import type { CollabLimits } from "./limits";
import { InlineDeriver, type Deriver } from "./derive-pool";
import { compactDocument, loadDocument, storeDerived, storeDerivedFromLog, UpdateWriter } from "./persistence";
import { Room } from "./room";

/** What the rooms share with other processes (the Redis relay), when there are any. */
export interface RoomsRelay {
  publishUpdates(proposalId: string, updates: Uint8Array[]): void;
  publishAwareness(proposalId: string, update: Uint8Array): void;
}

/**
 * The lifecycle of this process's rooms, in one place: loading (once per document at a time),
 * unloading (never with unsaved updates), compaction, the derived text, locks, and what other
 * processes relay. Each room owns its flags; this module asks it.
 */
export class Rooms {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  /** What other processes relayed for a document while it was loading, applied once it is. */
  private readonly arrivedWhileLoading = new Map<string, Uint8Array[]>();
  /** Proposals being locked for a round: read-only before the database says so. */
  private readonly locks = new Set<string>();
  private readonly deriveQueue: Room[] = [];
  /** Derive runners taking rooms off the queue now (up to the deriver's parallelism). */
  private derivers = 0;
  /** Per proposal, the last derive-and-store asked for: the next one starts after it. */
  private readonly derivations = new Map<string, Promise<void>>();
  private stopping = false;
  readonly writer: UpdateWriter;
  /** Set when other processes serve the same documents (REDIS_URL). */
  relay: RoomsRelay | null = null;
  /** Server latencies (ms) from receipt of an update to its last send, when measuring. */
  latencies: number[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    private readonly limits: CollabLimits,
    /** Where derived text and folds are computed (a worker pool; inline by default). */
    readonly deriver: Deriver = new InlineDeriver(),
  ) {
    this.writer = new UpdateWriter(db, log);
  }

  get(proposalId: string): Room | undefined {
    return this.rooms.get(proposalId);
  }

  list(): Room[] {
    return [...this.rooms.values()];
  }

  get loadedProposals(): string[] {
    return [...this.rooms.keys()];
  }

  /**
   * The loaded room of a proposal. Concurrent openers wait for the same load; an unloading room
   * is finished first (its pending updates flushed) and then loaded afresh. The caller holds the
   * room (a planned unload is called off) and releases it with `release`.
   */
  async open(proposalId: string, facts: ProposalFacts): Promise<Room> {
    for (;;) {
      const loaded = this.rooms.get(proposalId);
      if (loaded?.usable) {
        loaded.keepLoaded();
        return loaded;
      }
      if (loaded?.unloading) {
        await loaded.unloading;
        continue;
      }
      const inFlight = this.loading.get(proposalId);
      if (inFlight) {
        const room = await inFlight;
        room.keepLoaded();
        return room;
      }
      const load = this.load(proposalId, facts);
      this.loading.set(proposalId, load);
      try {
        return await load;
      } finally {
        this.loading.delete(proposalId);
        this.arrivedWhileLoading.delete(proposalId);
      }
    }
  }

  private async load(proposalId: string, facts: ProposalFacts): Promise<Room> {
    this.arrivedWhileLoading.set(proposalId, []);
    const [{ doc, bytes, logRows }, owners] = await Promise.all([loadDocument(this.db, proposalId), listClientIds(this.db, proposalId)]);
    const clientOwners = new Map(owners.map((o) => [o.clientId, o.personId]));
    const room = new Room(
      proposalId,
      doc,
      { bytes, logRows, facts, clientOwners },
      {
        writer: this.writer,
        log: this.log,
        limits: this.limits,
        changed: (r) => r.deriveLater(this.limits.deriveDebounceMs, () => this.queueDerive(r)),
        committed: (r, updates) => {
          this.relay?.publishUpdates(r.proposalId, updates);
          if (r.logRows >= this.limits.compactAfterUpdates) void this.compact(r);
        },
        awarenessChanged: (r, update) => this.relay?.publishAwareness(r.proposalId, update),
        broken: (r) => void this.unload(r),
        recordLatency: (ms) => this.latencies?.push(ms),
      },
    );
    room.locked = this.locks.has(proposalId);
    const arrived = this.arrivedWhileLoading.get(proposalId) ?? [];
    this.arrivedWhileLoading.delete(proposalId);
    this.rooms.set(proposalId, room);
    // Committed elsewhere after the log was read: relayed meanwhile, applied now.
    for (const update of arrived) this.applyRemote(proposalId, update);
    return room;
  }

  /** The caller no longer needs the room: it unloads once nobody is connected for a while. */
  release(room: Room) {
    if (this.stopping) return;
    room.unloadWhenIdle(this.limits.unloadDelayMs, () => void this.unload(room));
  }

  /**
   * An update another process committed: applied to the loaded room (never written again). One
   * this room cannot apply as it is means it missed something: it catches up from the log.
   */
  applyRemote(proposalId: string, update: Uint8Array) {
    const waiting = this.arrivedWhileLoading.get(proposalId);
    if (waiting) return void waiting.push(update);
    const room = this.rooms.get(proposalId);
    if (room?.usable && !room.applyRemote(update)) void this.catchUp(room);
  }

  applyRemoteAwareness(proposalId: string, update: Uint8Array) {
    const room = this.rooms.get(proposalId);
    if (room?.usable) room.applyRemoteAwareness(update);
  }

  /**
   * What the log has and a room lacks (a relayed message was missed: Redis went away, or a
   * process's sequence numbers jumped) is applied from PostgreSQL: a merge, never an overwrite.
   */
  async catchUp(room: Room): Promise<void> {
    try {
      const stored = await loadDocument(this.db, room.proposalId);
      try {
        if (room.usable) room.applyRemote(Y.encodeStateAsUpdate(stored.doc, Y.encodeStateVector(room.doc)));
      } finally {
        stored.doc.destroy();
      }
    } catch (error) {
      this.log.warn({ err: error, proposalId: room.proposalId }, "collab: catching up from the log failed");
    }
  }

  catchUpAll(): Promise<void> {
    return Promise.all(this.list().map((room) => this.catchUp(room))).then(() => {});
  }

  /**
   * Debounced derived text: as many rooms at a time as the deriver runs jobs (one per worker
   * thread), each derived off this thread, so that hundreds of documents typed in at once, or one
   * very large one, never hold up message handling.
   */
  private queueDerive(room: Room) {
    this.deriveQueue.push(room);
    while (this.derivers < this.deriver.parallelism && this.deriveQueue.length > 0) {
      this.derivers++;
      void this.runDerives().finally(() => this.derivers--);
    }
  }

  private async runDerives() {
    for (let room = this.deriveQueue.shift(); room; room = this.deriveQueue.shift()) {
      if (!room.takeDerive()) continue;
      await this.storeDerived(room).catch((error: unknown) =>
        this.log.warn(
          { err: error, proposalId: room.proposalId },
          "collab: storing the derived text failed; will retry on the next change",
        ),
      );
    }
  }

  /**
   * Alone, from the room; with other processes, from the log (see storeDerivedFromLog). One at a
   * time per proposal, in the order asked: a derive of an older state never lands after a newer one.
   */
  private storeDerived(room: Room): Promise<void> {
    const previous = this.derivations.get(room.proposalId);
    const next = (previous ?? Promise.resolve())
      .catch(() => {})
      .then(() => {
        if (this.relay) return storeDerivedFromLog(this.db, room.proposalId, this.deriver);
        // A room found broken while this waited is not the truth any more (the log is).
        if (!room.isBroken) return storeDerived(this.db, room.proposalId, room.doc, this.deriver);
      });
    this.derivations.set(room.proposalId, next);
    const forget = () => {
      if (this.derivations.get(room.proposalId) === next) this.derivations.delete(room.proposalId);
    };
    next.then(forget, forget);
    return next;
  }

  /**
   * Unloads a room: its pending updates are flushed first (however long the database takes: a
   * document with unsaved updates is never dropped), then the derived text is stored exactly and
   * the log compacted.
   */
  unload(room: Room): Promise<void> {
    return room.unload(async () => {
      await this.writer.flush();
      if (!room.isBroken) {
        await this.storeDerived(room).catch((error: unknown) =>
          this.log.warn({ err: error, proposalId: room.proposalId }, "collab: storing the derived text at unload failed"),
        );
        if (room.logRows > 0) await this.compact(room);
      }
      room.destroy();
      if (this.rooms.get(room.proposalId) === room) this.rooms.delete(room.proposalId);
    });
  }

  private compact(room: Room): Promise<void> {
    return room.compactOnce(async () => {
      try {
        // Folded by the deriver (a worker thread): a 2,000-row fold of a large document stays off this thread.
        const { folded, bytes } = await compactDocument(this.db, room.proposalId, (snapshot, updates) =>
          this.deriver.fold(snapshot ? [snapshot, ...updates] : updates),
        );
        room.logRows = Math.max(0, room.logRows - folded);
        // The size limit counts accepted bytes since load: compaction brings it back to the truth.
        if (bytes !== null) room.bytes = bytes;
      } catch (error) {
        // The log stays as it was: compaction is an optimisation, retried at the next threshold.
        this.log.warn({ err: error, proposalId: room.proposalId }, "collab: compaction failed");
      }
    });
  }

  /**
   * Turns every connection of a proposal read-only at once (before the database says so), or
   * lifts that; then re-reads the proposal's facts.
   */
  async setLocked(proposalId: string, locked: boolean): Promise<void> {
    if (locked) this.locks.add(proposalId);
    else this.locks.delete(proposalId);
    const room = this.rooms.get(proposalId);
    if (!room) return;
    room.locked = locked;
    // Locking: at once, before the database is asked, so an edit arriving from now on is refused.
    // Unlocking waits for the database's word (after a round opened it says in_round).
    if (locked) for (const c of room.connections) room.refreshAccess(c);
    const access = await getProposalAccess(this.db, proposalId);
    if (access) {
      const { id: _id, ...facts } = access;
      room.facts = facts;
    }
    for (const c of room.connections) room.refreshAccess(c);
  }

  /** Commits every update applied so far (all documents: the log is one queue). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * SIGTERM: every pending update committed, derived text stored (each after any derive already
   * under way for it), rooms dropped, then the deriver's workers ended, all before the caller
   * closes the database.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.writer.flush();
    await Promise.all(
      this.list().map(async (room) => {
        if (!room.isBroken) {
          await this.storeDerived(room).catch((error: unknown) =>
            this.log.warn({ err: error, proposalId: room.proposalId }, "collab: storing the derived text at stop failed"),
          );
        }
        room.destroy();
      }),
    );
    this.rooms.clear();
    // Derives of rooms unloaded meanwhile; none is left to write after the database closes.
    await Promise.allSettled([...this.derivations.values()]);
    await this.deriver.stop();
  }
}

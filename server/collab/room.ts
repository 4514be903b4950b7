import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { performance } from "node:perf_hooks";
import * as awarenessProtocol from "y-protocols/awareness";
import * as Y from "yjs";
import type { Logger } from "../logger";
import { filterAwarenessUpdate } from "./awareness";
import { decideAccess, type ProposalFacts } from "./authenticate";
import type { Connection } from "./connection";
import { checkUpdate, isValidStateVector } from "./decode";
import type { CollabLimits } from "./limits";
import type { CommitSink, UpdateWriter } from "./persistence";
import { SuggestionChecker } from "./suggestions";
import {
  CLOSE_DOCUMENT_TOO_LARGE,
  CLOSE_INVALID_MESSAGE,
  CLOSE_LOAD_FAILED,
  CLOSE_RATE_LIMITED,
  MESSAGE_AUTH,
  MESSAGE_AWARENESS,
  MESSAGE_QUERY_AWARENESS,
  MESSAGE_SYNC,
  REFUSED_CLIENT_ID,
  REFUSED_READ_ONLY,
  REFUSED_SUGGESTING,
  SYNC_STEP1,
  SYNC_STEP2,
  SYNC_UPDATE,
} from "./protocol";

/** The origin of what another process relayed (updates and presence): never relayed back. */
export const REMOTE = Symbol("another process");

export interface RoomHooks {
  writer: UpdateWriter;
  log: Logger;
  limits: CollabLimits;
  /** Called when the text changed (the owner debounces the derived body). */
  changed(room: Room): void;
  /** Called once updates this room queued are committed, in log order (the owner shares them). */
  committed(room: Room, updates: Uint8Array[]): void;
  /** Called when a connection of this process changed presence (the owner shares it). */
  awarenessChanged?(room: Room, update: Uint8Array): void;
  /** Called when the in-memory document can no longer be trusted (the owner reloads it). */
  broken(room: Room): void;
  /** Server time from receipt of an update to its last send, for the benchmark. */
  recordLatency?(ms: number): void;
}

function message(type: number, write: (encoder: encoding.Encoder) => void): Uint8Array {
  const encoder = encoding.createEncoder();
  encoding.writeVarUint(encoder, type);
  write(encoder);
  return encoding.toUint8Array(encoder);
}

/** A committed message of a connection is no longer pending (a refused one before it stays). */
function removeSeq(connection: Connection, seq: number) {
  const at = connection.pendingSeqs.indexOf(seq);
  if (at >= 0) connection.pendingSeqs.splice(at, 1);
}

/**
 * One loaded proposal: its Yjs document, presence, connections, and what is committed. Every
 * message from a connection is decoded here, defensively: an invalid one closes that connection
 * only, and nothing reaches the document, the log or the other connections before it is checked.
 * The room also owns its lifecycle flags (unload and derive timers, unloading, compacting); its
 * owner (rooms.ts) asks it through the methods at the end.
 */
export class Room implements CommitSink {
  readonly connections = new Set<Connection>();
  readonly awareness: awarenessProtocol.Awareness;
  /** Which connection owns each awareness client id. */
  private readonly awarenessOwners = new Map<number, Connection>();
  /** State vector of what is committed to the database (sent to clients that ask). */
  committedSv: Uint8Array;
  /** Updates applied in memory and not yet committed. */
  pending = 0;
  /** Updates handed to the writer so far, and how many of them are committed (in that order). */
  private enqueued = 0;
  private committedCount = 0;
  /** Queued and not yet committed, in log order: the update and the state right after it. */
  private readonly inFlight: { update: Uint8Array; svAfter: Uint8Array; done: () => void }[] = [];
  /** Waiting for everything enqueued before them: [that count, what to do then]. */
  private readonly waiters: [number, () => void][] = [];
  /** Log rows not folded into the snapshot (compaction threshold). */
  logRows: number;
  bytes: number;
  /** Status and drafting rule (sponsors, open editing), as the database last said. */
  facts: ProposalFacts;
  /**
   * The server's record of whose each Yjs client id is (loaded with the document, extended as
   * connections first write under an id); null marks the server's own id.
   */
  readonly clientOwners: Map<number, string | null>;
  /** Locked for a round: every connection read-only whatever the database says yet. */
  locked = false;
  isBroken = false;
  private unloadTimer: NodeJS.Timeout | null = null;
  /** Made when a suggesting connection first sends an update (a copy of the document that follows it). */
  private suggestions: SuggestionChecker | null = null;
  private deriveTimer: NodeJS.Timeout | null = null;
  private deriveQueued = false;
  private unloadingWork: Promise<void> | null = null;
  private compacting = false;

  constructor(
    readonly proposalId: string,
    readonly doc: Y.Doc,
    loaded: { bytes: number; logRows: number; facts: ProposalFacts; clientOwners: Map<number, string> },
    private readonly hooks: RoomHooks,
  ) {
    this.bytes = loaded.bytes;
    this.logRows = loaded.logRows;
    this.facts = loaded.facts;
    this.clientOwners = new Map(loaded.clientOwners);
    // The server edits the document itself (accepting and rejecting suggestions) under its own id.
    this.clientOwners.set(doc.clientID, null);
    this.committedSv = Y.encodeStateVector(doc);
    this.awareness = new awarenessProtocol.Awareness(doc);
    this.awareness.setLocalState(null);
    this.awareness.on(
      "update",
      ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
        const changed = [...added, ...updated, ...removed];
        if (changed.length === 0) return;
        const update = message(MESSAGE_AWARENESS, (e) =>
          encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed)),
        );
        for (const c of this.connections) if (c !== origin) c.send(update);
        // Presence set here is shared with other processes; theirs, and what times out, is not.
        if (origin !== REMOTE && origin !== "timeout") {
          this.hooks.awarenessChanged?.(this, awarenessProtocol.encodeAwarenessUpdate(this.awareness, changed));
        }
      },
    );
  }

  /** Recomputes a connection's access from its actor, the proposal's status and the lock. */
  refreshAccess(connection: Connection, force = false) {
    connection.setAccess(decideAccess(connection.actor, this.facts, this.locked), force);
  }

  /** Starts the protocol with a new connection: server's SyncStep1, then current presence. */
  add(connection: Connection) {
    this.connections.add(connection);
    this.refreshAccess(connection, true);
    connection.send(
      message(MESSAGE_SYNC, (e) => {
        encoding.writeVarUint(e, SYNC_STEP1);
        encoding.writeVarUint8Array(e, Y.encodeStateVector(this.doc));
      }),
    );
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      connection.send(
        message(MESSAGE_AWARENESS, (e) => encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states))),
      );
    }
  }

  remove(connection: Connection) {
    if (!this.connections.delete(connection)) return;
    const mine = [...connection.clientIds].filter((id) => this.awarenessOwners.get(id) === connection);
    for (const id of mine) this.awarenessOwners.delete(id);
    if (mine.length > 0) awarenessProtocol.removeAwarenessStates(this.awareness, mine, null);
  }

  private invalid(connection: Connection, reason: string) {
    // One line per bad connection; the connection is closed and nothing else is touched.
    this.hooks.log.warn(
      { proposalId: this.proposalId, personId: connection.personId, address: connection.address, reason },
      "collab: invalid message; connection closed",
    );
    connection.close(CLOSE_INVALID_MESSAGE, "invalid message");
  }

  handleMessage(connection: Connection, data: Uint8Array, receivedAt = performance.now()) {
    if (connection.closed || this.isBroken) return;
    // Rate limit first: a flood costs no decoding. Closing with a transient code lets an honest
    // client reconnect after backoff.
    if (!connection.bucket.take()) {
      this.hooks.log.warn({ proposalId: this.proposalId, personId: connection.personId }, "collab: too many messages; connection closed");
      connection.close(CLOSE_RATE_LIMITED, "too many messages");
      return;
    }
    const decoder = decoding.createDecoder(data);
    let type: number;
    try {
      type = decoding.readVarUint(decoder);
    } catch {
      return this.invalid(connection, "truncated message type");
    }
    switch (type) {
      case MESSAGE_SYNC: {
        let sub: number;
        let payload: Uint8Array;
        try {
          sub = decoding.readVarUint(decoder);
          payload = decoding.readVarUint8Array(decoder);
        } catch {
          return this.invalid(connection, "truncated sync message");
        }
        if (decoding.hasContent(decoder)) return this.invalid(connection, "sync message with trailing bytes");
        if (sub === SYNC_STEP1) {
          if (!isValidStateVector(payload)) return this.invalid(connection, "malformed state vector");
          // Answer SyncStep1 with SyncStep2, or the client never counts as synced.
          connection.send(
            message(MESSAGE_SYNC, (e) => {
              encoding.writeVarUint(e, SYNC_STEP2);
              encoding.writeVarUint8Array(e, Y.encodeStateAsUpdate(this.doc, payload));
            }),
          );
          return;
        }
        if (sub === SYNC_STEP2 || sub === SYNC_UPDATE) return this.receiveUpdate(connection, payload, receivedAt, sub === SYNC_STEP2);
        return this.invalid(connection, `unknown sync message ${sub}`);
      }
      case MESSAGE_AWARENESS: {
        let payload: Uint8Array;
        try {
          payload = decoding.readVarUint8Array(decoder);
        } catch {
          return this.invalid(connection, "truncated awareness message");
        }
        if (decoding.hasContent(decoder)) return this.invalid(connection, "awareness message with trailing bytes");
        return this.receiveAwareness(connection, payload);
      }
      case MESSAGE_QUERY_AWARENESS: {
        if (decoding.hasContent(decoder)) return this.invalid(connection, "query-awareness message with trailing bytes");
        const states = [...this.awareness.getStates().keys()];
        connection.send(
          message(MESSAGE_AWARENESS, (e) =>
            encoding.writeVarUint8Array(e, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states)),
          ),
        );
        return;
      }
      default:
        return this.invalid(connection, `unknown message type ${type}`);
    }
  }

  private receiveUpdate(connection: Connection, update: Uint8Array, receivedAt: number, isSyncReply = false) {
    connection.received++;
    const seq = connection.received;
    const check = checkUpdate(update, this.doc);
    if (!check.ok && check.missing && !isSyncReply) return this.holdForSync(connection, seq);
    if (!check.ok) return this.invalid(connection, check.reason);
    // A sync reply carries everything its client has: it settles the updates held for it.
    const settles = isSyncReply ? [seq, ...connection.heldForSync.splice(0)] : [seq];
    const settled = () => {
      for (const s of settles) removeSeq(connection, s);
    };
    if (!check.changes) {
      // Nothing new (a SyncStep2 after a reconnect, an echo). What it repeats may be in an update
      // another connection delivered first (after a restart, a collaborator re-sends the edits
      // the server had relayed to them): so it is committed only once every update applied
      // before it is, and then the client is told.
      connection.pendingSeqs.push(seq);
      if (this.pending === 0) {
        settled();
        if (connection.pendingSeqs.length === 0) connection.sendCommitted(this.committedSv);
        return;
      }
      this.afterPendingCommitted(settled);
      return;
    }
    if (connection.access.readOnly) return this.refuse(connection, seq, "read-only", `${REFUSED_READ_ONLY}. ${connection.access.reason}`);
    // Authorship is the server's record: a client id belongs to the person who first wrote with it.
    // A sync reply after a reconnect may carry other people's edits that this server relayed but
    // lost in a crash before committing them: those keep their recorded owner, and an id nobody
    // owns yet is left unbound (its author binds it with their next edit). Live edits are strict.
    const newClientIds: number[] = [];
    for (const client of check.writers) {
      const owner = this.clientOwners.get(client);
      if (owner === undefined) {
        if (!isSyncReply) newClientIds.push(client);
      } else if (owner !== connection.personId && !isSyncReply) {
        return this.refuse(connection, seq, "client id of another person", `${REFUSED_CLIENT_ID}. Reload the page to go on editing.`);
      }
    }
    if (this.bytes + update.byteLength > this.hooks.limits.maxDocumentBytes) {
      this.hooks.log.warn({ proposalId: this.proposalId, personId: connection.personId }, "collab: document size limit reached");
      connection.close(CLOSE_DOCUMENT_TOO_LARGE, "document too large");
      return;
    }
    // Last before the update is applied: the checker's copy then already holds it.
    if (connection.access.suggesting) {
      this.suggestions ??= new SuggestionChecker(this.doc);
      const suggestion = this.suggestions.check(update, connection.suggestionIdentity());
      if (!suggestion.ok) return this.refuse(connection, seq, "not a suggestion", `${REFUSED_SUGGESTING}. ${suggestion.reason}`);
    }
    try {
      Y.applyUpdate(this.doc, update, connection);
    } catch (error) {
      this.hooks.log.error({ err: error, proposalId: this.proposalId }, "collab: a checked update failed to apply");
      return this.markBroken(connection);
    }
    if (this.doc.store.pendingStructs || this.doc.store.pendingDs) {
      this.hooks.log.error({ proposalId: this.proposalId }, "collab: a checked update left missing dependencies");
      return this.markBroken(connection);
    }
    this.suggestions?.follow(update);
    for (const client of newClientIds) this.clientOwners.set(client, connection.personId);
    connection.pendingSeqs.push(seq);
    this.accepted(update, { authorId: connection.personId, newClientIds }, connection, settled);
    this.hooks.recordLatency?.(performance.now() - receivedAt);
  }

  /**
   * An update that refers to what this server has not received (the client typed while it
   * reconnected, here after another process went away): not applied, not yet committed, and the
   * client is asked for everything it has (SyncStep1); its answer settles this one.
   */
  private holdForSync(connection: Connection, seq: number) {
    // A client that never answers does not get to pile them up.
    if (connection.heldForSync.length >= 1000) return this.invalid(connection, "too many updates with missing dependencies");
    connection.pendingSeqs.push(seq);
    connection.heldForSync.push(seq);
    connection.send(
      message(MESSAGE_SYNC, (e) => {
        encoding.writeVarUint(e, SYNC_STEP1);
        encoding.writeVarUint8Array(e, Y.encodeStateVector(this.doc));
      }),
    );
  }

  /** Refuses a document message: nothing applied, the author told why, the message never "saved". */
  private refuse(connection: Connection, seq: number, why: string, words: string) {
    // The refused message stays "pending" for ever, so the client never shows it as saved; the
    // standard auth message carries the words (stock clients log them).
    connection.pendingSeqs.push(seq);
    this.hooks.log.info({ proposalId: this.proposalId, personId: connection.personId, why }, "collab: edit refused");
    connection.send(
      message(MESSAGE_AUTH, (e) => {
        encoding.writeVarUint(e, 0);
        encoding.writeVarString(e, words);
      }),
    );
  }

  /** An applied update: counted, queued for the log in application order, relayed to the others. */
  private accepted(
    update: Uint8Array,
    author: { authorId: string | null; newClientIds: number[] },
    from: Connection | null,
    committed: () => void,
  ) {
    this.bytes += update.byteLength;
    const svAfter = Y.encodeStateVector(this.doc);
    this.pending++;
    this.enqueued++;
    // Log order = application order, so "committed through this entry" means the document as it
    // was right after it was applied: that state vector is what clients are told.
    this.inFlight.push({ update, svAfter, done: committed });
    this.hooks.writer.enqueue(this, this.proposalId, update, author);
    const broadcast = message(MESSAGE_SYNC, (e) => {
      encoding.writeVarUint(e, SYNC_UPDATE);
      encoding.writeVarUint8Array(e, update);
    });
    for (const c of this.connections) if (c !== from) c.send(broadcast);
    this.hooks.changed(this);
  }

  /**
   * A change the server makes itself (accepting or rejecting suggestions for `authorId`): applied
   * in one transaction under the server's client id, logged with the person who asked, sent to
   * every connection. Returns what `change` returned.
   */
  applyServerChange<T>(authorId: string, change: (doc: Y.Doc, origin: unknown) => T): T {
    const origin = Symbol("server change");
    const updates: Uint8Array[] = [];
    const collect = (update: Uint8Array, o: unknown) => {
      if (o === origin) updates.push(update);
    };
    this.doc.on("update", collect);
    let result: T;
    try {
      result = change(this.doc, origin);
    } finally {
      this.doc.off("update", collect);
    }
    if (updates.length > 0) {
      const update = Y.mergeUpdates(updates);
      this.suggestions?.follow(update);
      this.accepted(update, { authorId, newClientIds: [] }, null, () => {});
    }
    return result;
  }

  /** Runs `then` once every update applied so far is committed. */
  private afterPendingCommitted(then: () => void) {
    this.waiters.push([this.enqueued, then]);
  }

  /** The writer committed `count` more of this room's updates (in the order they were queued). */
  committed(count: number) {
    const updates: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const entry = this.inFlight.shift()!;
      this.committedSv = entry.svAfter;
      this.pending--;
      this.committedCount++;
      this.logRows++;
      entry.done();
      updates.push(entry.update);
      while (this.waiters.length > 0 && this.waiters[0]![0] <= this.committedCount) this.waiters.shift()![1]();
    }
    for (const c of this.connections) c.sendCommitted(this.committedSv);
    this.hooks.committed(this, updates);
  }

  /**
   * An update another process accepted and committed (or what this room lacked of the log). It is
   * applied and relayed, never written again; it counts as committed once every update applied
   * here before it is. False when it cannot be applied as it is (it depends on updates this room
   * has not seen): the owner then catches up from the log.
   */
  applyRemote(update: Uint8Array): boolean {
    if (this.isBroken) return true;
    const check = checkUpdate(update, this.doc);
    if (!check.ok) return false;
    if (!check.changes) return true;
    try {
      Y.applyUpdate(this.doc, update, REMOTE);
    } catch (error) {
      this.hooks.log.error({ err: error, proposalId: this.proposalId }, "collab: a relayed update failed to apply");
      this.markBroken(null);
      return true;
    }
    this.suggestions?.follow(update);
    this.bytes += update.byteLength;
    const svAfter = Y.encodeStateVector(this.doc);
    const durable = () => {
      this.committedSv = svAfter;
      for (const c of this.connections) c.sendCommitted(this.committedSv);
    };
    if (this.pending === 0) durable();
    else this.afterPendingCommitted(durable);
    const broadcast = message(MESSAGE_SYNC, (e) => {
      encoding.writeVarUint(e, SYNC_UPDATE);
      encoding.writeVarUint8Array(e, update);
    });
    for (const c of this.connections) c.send(broadcast);
    this.hooks.changed(this);
    return true;
  }

  /** Presence another process relayed. */
  applyRemoteAwareness(update: Uint8Array) {
    try {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, update, REMOTE);
    } catch (error) {
      this.hooks.log.warn({ err: error, proposalId: this.proposalId }, "collab: a relayed presence update was malformed");
    }
  }

  private receiveAwareness(connection: Connection, payload: Uint8Array) {
    const result = filterAwarenessUpdate(payload, {
      identity: connection.identity,
      owner: connection,
      ownerOf: (id) => {
        const owner = this.awarenessOwners.get(id);
        // The same person reconnecting (a new socket before the old one timed out) takes over.
        return owner && owner !== connection && owner.personId === connection.personId ? undefined : owner;
      },
      maxStateBytes: this.hooks.limits.maxAwarenessStateBytes,
      maxClientsPerConnection: this.hooks.limits.maxAwarenessClientsPerConnection,
    });
    if (!result.ok) return this.invalid(connection, result.reason);
    // Over the presence rate the message is dropped, not the connection: presence is lossy.
    if (!result.update || !connection.awarenessBucket.take()) return;
    for (const id of connection.clientIds)
      if (!this.awarenessOwners.has(id) || this.awarenessOwners.get(id)!.personId === connection.personId)
        this.awarenessOwners.set(id, connection);
    awarenessProtocol.applyAwarenessUpdate(this.awareness, result.update, connection);
  }

  private markBroken(connection: Connection | null) {
    connection?.close(CLOSE_INVALID_MESSAGE, "invalid message");
    this.isBroken = true;
    for (const c of this.connections) c.close(CLOSE_LOAD_FAILED, "reloading the document");
    this.hooks.broken(this);
  }

  /** Loaded, not broken and not being unloaded: fit to serve. */
  get usable(): boolean {
    return !this.isBroken && !this.unloadingWork;
  }

  /** The unload under way, if any. */
  get unloading(): Promise<void> | null {
    return this.unloadingWork;
  }

  /** Someone uses the room again: a planned unload is called off. */
  keepLoaded() {
    if (this.unloadTimer) clearTimeout(this.unloadTimer);
    this.unloadTimer = null;
  }

  /** Runs `unload` after `delayMs` if the room still has no connection by then. */
  unloadWhenIdle(delayMs: number, unload: () => void) {
    if (this.connections.size > 0 || this.unloadTimer || this.unloadingWork) return;
    this.unloadTimer = setTimeout(() => {
      this.unloadTimer = null;
      if (this.connections.size === 0) unload();
    }, delayMs);
    this.unloadTimer.unref();
  }

  /** Runs `queue` once, `delayMs` after the first change since the derived text was last queued. */
  deriveLater(delayMs: number, queue: () => void) {
    if (this.deriveTimer || this.deriveQueued) return;
    this.deriveTimer = setTimeout(() => {
      this.deriveTimer = null;
      this.deriveQueued = true;
      queue();
    }, delayMs);
    this.deriveTimer.unref();
  }

  /** The derive worker takes the room off its queue: true when it should still be derived. */
  takeDerive(): boolean {
    this.deriveQueued = false;
    return this.usable;
  }

  /** Runs the unload once (later callers get the same promise); a pending derive is dropped. */
  unload(work: () => Promise<void>): Promise<void> {
    if (this.unloadingWork) return this.unloadingWork;
    this.keepLoaded();
    if (this.deriveTimer) clearTimeout(this.deriveTimer);
    this.deriveTimer = null;
    this.unloadingWork = work();
    return this.unloadingWork;
  }

  /** Runs one compaction at a time for this room (a second call while one runs does nothing). */
  async compactOnce(work: () => Promise<void>): Promise<void> {
    if (this.compacting) return;
    this.compacting = true;
    try {
      await work();
    } finally {
      this.compacting = false;
    }
  }

  destroy() {
    this.keepLoaded();
    if (this.deriveTimer) clearTimeout(this.deriveTimer);
    this.awareness.destroy();
    this.suggestions?.destroy();
    this.doc.destroy();
  }
}

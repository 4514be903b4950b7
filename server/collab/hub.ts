import type { IncomingMessage } from "node:http";
import { performance } from "node:perf_hooks";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { listLiveSessionStates } from "../../db/queries/live-sessions";
import { getProposalAccess, listClientIds, listProposalStatuses } from "../../db/queries/proposal-documents";
import type { Logger } from "../logger";
import type { Admitted, ProposalFacts } from "./authenticate";
import { colorFor } from "./awareness";
import { Connection } from "./connection";
import { ConnectionRegistry } from "./connections";
import { ConnectionCounter, type CollabLimits } from "./limits";
import { compactDocument, loadDocument, storeDerived, UpdateWriter } from "./persistence";
import { CLOSE_LOAD_FAILED, CLOSE_SERVER_STOPPING, CLOSE_TOO_MANY_CONNECTIONS, CLOSE_UNAUTHENTICATED } from "./protocol";
import { Room } from "./room";

/**
 * Every loaded proposal and open connection of this process: loading (once per document at a
 * time), unloading (never with unsaved updates), the periodic re-check of sessions and access,
 * locks, and flushing.
 */
export class CollabHub {
  private readonly rooms = new Map<string, Room>();
  private readonly loading = new Map<string, Promise<Room>>();
  /** Proposals being locked for a round: read-only before the database says so. */
  private readonly locks = new Set<string>();
  readonly registry = new ConnectionRegistry<Connection>();
  private readonly perDocument = new ConnectionCounter();
  private readonly perAddress = new ConnectionCounter();
  readonly writer: UpdateWriter;
  private timers: NodeJS.Timeout[] = [];
  private rechecking: Promise<void> | null = null;
  private readonly deriveQueue: Room[] = [];
  private deriving = false;
  private stopping = false;
  /** Server latencies (ms) from receipt of an update to its last send, when measuring. */
  latencies: number[] | null = null;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    readonly limits: CollabLimits,
    private readonly trustProxy = false,
  ) {
    this.writer = new UpdateWriter(db, log, (ids) => {
      for (const id of ids) {
        const room = this.rooms.get(id);
        if (!room) continue;
        room.afterCommit();
        if (room.logRows >= limits.compactAfterUpdates) void this.compact(room);
      }
    });
    this.timers.push(setInterval(() => this.heartbeat(), limits.heartbeatMs));
    this.timers.push(setInterval(() => this.keepAlive(), Math.max(50, Math.floor(limits.keepAliveMs / 2))));
    this.timers.push(setInterval(() => void this.recheck(), limits.recheckMs));
    for (const t of this.timers) t.unref();
  }

  get loadedProposals(): string[] {
    return [...this.rooms.keys()];
  }

  /** The live document's state (tests compare it byte for byte), or null when not loaded. */
  documentState(proposalId: string): Uint8Array | null {
    const room = this.rooms.get(proposalId);
    return room ? Y.encodeStateAsUpdate(room.doc) : null;
  }

  /** Names of the people connected to a proposal now. */
  presence(proposalId: string): { name: string; organization: string | null }[] {
    const room = this.rooms.get(proposalId);
    if (!room) return [];
    const seen = new Map<string, { name: string; organization: string | null }>();
    for (const c of room.connections) seen.set(c.personId, { name: c.identity.name, organization: c.identity.organization });
    return [...seen.values()];
  }

  /** Takes an admitted socket: limits, registration, then the document (loaded once). */
  async accept(ws: WebSocket, admitted: Admitted, request: IncomingMessage): Promise<void> {
    // Behind a trusted proxy every client shares the proxy's address: count the client's own.
    const forwarded = this.trustProxy
      ? String(request.headers["x-forwarded-for"] ?? "")
          .split(",")[0]
          ?.trim()
      : "";
    const address = forwarded || request.socket.remoteAddress || "unknown";
    const connection = new Connection(
      ws,
      admitted.sessionId,
      admitted.person,
      address,
      admitted.wantsCommitted,
      this.limits,
      colorFor(admitted.person.id),
    );
    ws.on("error", () => {
      // ws reports protocol errors (an oversized frame: 1009) and then closes the socket itself.
    });
    ws.on("pong", () => {
      connection.alive = true;
    });
    ws.on("message", (data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean) => {
      const receivedAt = performance.now();
      const bytes = toBytes(data);
      if (!isBinary) {
        this.log.warn({ proposalId: admitted.proposalId, personId: connection.personId }, "collab: text frame; connection closed");
        connection.close(4400, "binary frames only");
        return;
      }
      if (connection.backlog) connection.backlog.push(bytes);
      else this.rooms.get(admitted.proposalId)?.handleMessage(connection, bytes, receivedAt);
    });
    let room: Room | undefined;
    let counted = false;
    ws.on("close", () => {
      connection.closed = true;
      if (!counted) return;
      this.registry.remove(connection);
      this.perAddress.remove(address);
      if (room) {
        this.perDocument.remove(admitted.proposalId);
        room.remove(connection);
        this.scheduleUnload(room);
      }
    });

    // Limits before any work: an address or a person with too many sockets is refused.
    if (this.stopping) return connection.close(CLOSE_SERVER_STOPPING, "server stopping");
    if (this.perAddress.count(address) >= this.limits.maxConnectionsPerAddress) {
      return connection.close(CLOSE_TOO_MANY_CONNECTIONS, "too many connections from this address");
    }
    if (this.registry.countOfPerson(connection.personId) >= this.limits.maxConnectionsPerPerson) {
      return connection.close(CLOSE_TOO_MANY_CONNECTIONS, "too many connections for this person");
    }
    if (this.perDocument.count(admitted.proposalId) >= this.limits.maxConnectionsPerDocument) {
      return connection.close(CLOSE_TOO_MANY_CONNECTIONS, "too many connections on this proposal");
    }
    counted = true;
    this.perAddress.add(address);
    // Registered before the load, so a logout during a slow load still reaches it.
    this.registry.add(connection);
    this.perDocument.add(admitted.proposalId);
    try {
      room = await this.room(admitted.proposalId, admitted.facts);
    } catch (error) {
      this.perDocument.remove(admitted.proposalId);
      this.log.error({ err: error, proposalId: admitted.proposalId }, "collab: loading the document failed");
      // Transient: the client retries later; nothing was written, least of all an empty document.
      return connection.close(CLOSE_LOAD_FAILED, "document could not be loaded");
    }
    if (connection.closed) {
      this.perDocument.remove(admitted.proposalId);
      this.scheduleUnload(room);
      room = undefined;
      return;
    }
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer);
      room.unloadTimer = null;
    }
    // The status read at this upgrade is the freshest the hub has (the re-check runs every few s).
    if (canonicalFacts(room.facts) !== canonicalFacts(admitted.facts)) {
      room.facts = admitted.facts;
      for (const c of room.connections) room.refreshAccess(c);
    }
    room.add(connection);
    const backlog = connection.backlog ?? [];
    connection.backlog = null;
    for (const bytes of backlog) room.handleMessage(connection, bytes);
  }

  /**
   * The loaded room of a proposal. Concurrent openers wait for the same load; an unloading room
   * is finished first (its pending updates flushed) and then loaded afresh.
   */
  private async room(proposalId: string, facts: ProposalFacts): Promise<Room> {
    for (;;) {
      const loaded = this.rooms.get(proposalId);
      if (loaded && !loaded.unloading && !loaded.isBroken) return loaded;
      if (loaded?.unloading) {
        await loaded.unloading;
        continue;
      }
      const inFlight = this.loading.get(proposalId);
      if (inFlight) return inFlight;
      const load = (async () => {
        const [{ doc, bytes, logRows }, owners] = await Promise.all([
          loadDocument(this.db, proposalId),
          listClientIds(this.db, proposalId),
        ]);
        const clientOwners = new Map(owners.map((o) => [o.clientId, o.personId]));
        const room = new Room(
          proposalId,
          doc,
          { bytes, logRows, facts, clientOwners },
          {
            writer: this.writer,
            log: this.log,
            limits: this.limits,
            changed: (r) => this.scheduleDerive(r),
            broken: (r) => void this.unload(r),
            recordLatency: (ms) => this.latencies?.push(ms),
          },
        );
        room.locked = this.locks.has(proposalId);
        this.rooms.set(proposalId, room);
        return room;
      })();
      this.loading.set(proposalId, load);
      try {
        return await load;
      } finally {
        this.loading.delete(proposalId);
      }
    }
  }

  /**
   * Debounced derived text: a room is queued `deriveDebounceMs` after its first unsaved change,
   * and one worker derives one room at a time, yielding to the event loop between rooms, so that
   * hundreds of documents typed in at once never block message handling in a burst.
   */
  private scheduleDerive(room: Room) {
    if (room.deriveTimer || room.deriveQueued) return;
    room.deriveTimer = setTimeout(() => {
      room.deriveTimer = null;
      room.deriveQueued = true;
      this.deriveQueue.push(room);
      void this.runDerives();
    }, this.limits.deriveDebounceMs);
    room.deriveTimer.unref();
  }

  private async runDerives() {
    if (this.deriving) return;
    this.deriving = true;
    try {
      for (let room = this.deriveQueue.shift(); room; room = this.deriveQueue.shift()) {
        room.deriveQueued = false;
        if (room.isBroken || room.unloading) continue;
        await storeDerived(this.db, room.proposalId, room.doc).catch((error: unknown) =>
          this.log.warn(
            { err: error, proposalId: room.proposalId },
            "collab: storing the derived text failed; will retry on the next change",
          ),
        );
        await new Promise((resolve) => setImmediate(resolve));
      }
    } finally {
      this.deriving = false;
    }
  }

  private scheduleUnload(room: Room) {
    if (this.stopping || room.connections.size > 0 || room.unloadTimer || room.unloading) return;
    room.unloadTimer = setTimeout(() => {
      room.unloadTimer = null;
      if (room.connections.size === 0) void this.unload(room);
    }, this.limits.unloadDelayMs);
    room.unloadTimer.unref();
  }

  /**
   * Unloads a room: its pending updates are flushed first (however long the database takes: a
   * document with unsaved updates is never dropped), then the derived text is stored exactly and
   * the log compacted.
   */
  private unload(room: Room): Promise<void> {
    if (room.unloading) return room.unloading;
    room.unloading = (async () => {
      await this.writer.flush();
      if (!room.isBroken) {
        if (room.deriveTimer) clearTimeout(room.deriveTimer);
        room.deriveTimer = null;
        await storeDerived(this.db, room.proposalId, room.doc).catch((error: unknown) =>
          this.log.warn({ err: error, proposalId: room.proposalId }, "collab: storing the derived text at unload failed"),
        );
        if (room.logRows > 0) await this.compact(room);
      }
      room.destroy();
      if (this.rooms.get(room.proposalId) === room) this.rooms.delete(room.proposalId);
    })();
    return room.unloading;
  }

  private async compact(room: Room) {
    if (room.compacting) return;
    room.compacting = true;
    try {
      const { folded, bytes } = await compactDocument(this.db, room.proposalId);
      room.logRows = Math.max(0, room.logRows - folded);
      // The size limit counts accepted bytes since load: compaction brings it back to the truth.
      room.bytes = bytes;
    } catch (error) {
      // The log stays as it was: compaction is an optimisation, retried at the next threshold.
      this.log.warn({ err: error, proposalId: room.proposalId }, "collab: compaction failed");
    } finally {
      room.compacting = false;
    }
  }

  private heartbeat() {
    for (const c of this.registry.list()) {
      if (!c.alive) {
        c.closed = true;
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      try {
        c.ws.ping();
      } catch {
        c.ws.terminate();
      }
    }
  }

  private keepAlive() {
    const now = Date.now();
    for (const c of this.registry.list()) if (!c.backlog) c.keepAlive(now);
  }

  /** Tells every live connection of a proposal that its comments on passages changed. */
  threadsChanged(proposalId: string): void {
    const room = this.rooms.get(proposalId);
    if (room) for (const c of room.connections) c.sendThreadsChanged();
  }

  /** Ends every connection of a person (logout, deactivation): they must sign in again. */
  closeConnectionsOfPerson(personId: string, reason = "signed out"): number {
    const connections = this.registry.ofPerson(personId);
    for (const c of connections) c.close(CLOSE_UNAUTHENTICATED, reason);
    return connections.length;
  }

  /**
   * Re-checks every connection against the database: sessions that ended or expired close, a
   * suspended organization's representatives and a locked proposal turn read-only. Runs every
   * few seconds and on demand; concurrent calls share one run.
   */
  recheck(): Promise<void> {
    if (this.rechecking) return this.rechecking.then(() => this.recheck());
    this.rechecking = this.runRecheck()
      .catch((error: unknown) => this.log.warn({ err: error }, "collab: re-checking connections failed"))
      .finally(() => {
        this.rechecking = null;
      });
    return this.rechecking;
  }

  private async runRecheck() {
    const connections = this.registry.list();
    if (connections.length === 0) return;
    const sessionIds = [...new Set(connections.map((c) => c.sessionId))];
    const [states, statuses] = await Promise.all([
      listLiveSessionStates(this.db, sessionIds),
      listProposalStatuses(this.db, [...this.rooms.keys()]),
    ]);
    const bySession = new Map(states.map((s) => [s.sessionId, s]));
    for (const { id, ...facts } of statuses) {
      const room = this.rooms.get(id);
      if (room) room.facts = facts;
    }
    for (const c of connections) {
      const state = bySession.get(c.sessionId);
      if (!state || state.expired || !state.personActive) {
        c.close(CLOSE_UNAUTHENTICATED, "session ended");
        continue;
      }
      c.actor = {
        role: state.role,
        organizationId: state.organizationId,
        organizationStatus: state.organizationStatus,
        canVote: state.canVote,
      };
    }
    for (const room of this.rooms.values()) for (const c of room.connections) room.refreshAccess(c);
  }

  /**
   * Turns every connection of a proposal read-only at once (before the database says so), or
   * lifts that; then re-checks against the database.
   */
  async setLocked(proposalId: string, locked: boolean): Promise<void> {
    if (locked) this.locks.add(proposalId);
    else this.locks.delete(proposalId);
    const room = this.rooms.get(proposalId);
    if (room) {
      room.locked = locked;
      const access = await getProposalAccess(this.db, proposalId);
      if (access) {
        const { id: _id, ...facts } = access;
        room.facts = facts;
      }
      for (const c of room.connections) room.refreshAccess(c);
    }
  }

  /**
   * Runs `work` on a proposal's loaded room (loading it if nobody has it open), then lets an unused
   * room unload as usual. Null when there is no such proposal.
   */
  async withRoom<T>(proposalId: string, work: (room: Room) => T): Promise<T | null> {
    const access = await getProposalAccess(this.db, proposalId);
    if (!access) return null;
    const { id: _id, ...facts } = access;
    const room = await this.room(proposalId, facts);
    if (room.unloadTimer) {
      clearTimeout(room.unloadTimer);
      room.unloadTimer = null;
    }
    try {
      return work(room);
    } finally {
      this.scheduleUnload(room);
    }
  }

  /** Commits every update applied so far (all documents: the log is one queue). */
  flush(): Promise<void> {
    return this.writer.flush();
  }

  /**
   * SIGTERM: no new connections, every connection closed with "service restart" (clients keep
   * their edits and reconnect), every pending update committed, derived text stored.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    for (const c of this.registry.list()) c.close(CLOSE_SERVER_STOPPING, "server restarting");
    await this.writer.flush();
    await Promise.all(
      [...this.rooms.values()].map(async (room) => {
        if (!room.isBroken) {
          await storeDerived(this.db, room.proposalId, room.doc).catch((error: unknown) =>
            this.log.warn({ err: error, proposalId: room.proposalId }, "collab: storing the derived text at stop failed"),
          );
        }
        room.destroy();
      }),
    );
    this.rooms.clear();
  }
}

function canonicalFacts(facts: ProposalFacts): string {
  return JSON.stringify([facts.status, facts.openEditing, [...facts.sponsorOrganizationIds].sort()]);
}

/**
 * A copy in an ArrayBuffer of its own. lib0's decoder reads sub-arrays through `arr.buffer` with
 * offsets: on a view into ws's shared buffer, a lying length would read past the frame into other
 * bytes instead of failing.
 */
function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data);
}

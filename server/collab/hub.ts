import type { IncomingMessage } from "node:http";
import { randomUUID } from "node:crypto";
import { performance } from "node:perf_hooks";
import type { WebSocket } from "ws";
import * as Y from "yjs";
import type { Db } from "../../db/client";
import { listLiveSessionStates } from "../../db/queries/live-sessions";
import { getProposalAccess, listProposalStatuses } from "../../db/queries/proposal-documents";
import type { Logger } from "../logger";
import type { Admitted, ProposalFacts } from "./authenticate";
import { colorFor } from "./awareness";
import { Connection } from "./connection";
import { ConnectionRegistry } from "./connections";
import { ConnectionCounter, type CollabLimits } from "./limits";
import { CLOSE_LOAD_FAILED, CLOSE_SERVER_STOPPING, CLOSE_TOO_MANY_CONNECTIONS, CLOSE_UNAUTHENTICATED } from "./protocol";
import type { Deriver } from "./derive-pool";
import type { Room } from "./room";
import { Rooms } from "./rooms";
import type { SharedConnectionCounts } from "./shared-counts";

/** The heartbeat interval is cut into this many ticks, each pinging its own share of the connections. */
const HEARTBEAT_SLICES = 15;

/**
 * Admission and the connections of this process: limits, registration, the periodic heartbeat,
 * keep-alive and re-check of sessions and access. The rooms themselves (loading, unloading,
 * compaction, derived text, locks) belong to `Rooms`.
 */
export class CollabHub {
  readonly rooms: Rooms;
  readonly registry = new ConnectionRegistry<Connection>();
  private readonly perDocument = new ConnectionCounter();
  private readonly perAddress = new ConnectionCounter();
  /** With Redis: connections per person and per address counted across processes. */
  private sharedCounts: SharedConnectionCounts | null = null;
  /** This process's places in the shared counts, by connection. */
  private readonly places = new Map<Connection, string>();
  private timers: NodeJS.Timeout[] = [];
  private rechecking: Promise<void> | null = null;
  /** The heartbeat's next slice, and how many connections came so far (their slots). */
  private heartbeatSlice = 0;
  private connectionsSeen = 0;
  private stopping = false;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    readonly limits: CollabLimits,
    private readonly trustProxy = false,
    deriver?: Deriver,
  ) {
    this.rooms = new Rooms(db, log, limits, deriver);
    this.timers.push(setInterval(() => this.heartbeat(), Math.max(10, limits.heartbeatMs / HEARTBEAT_SLICES)));
    this.timers.push(setInterval(() => this.keepAlive(), Math.max(50, Math.floor(limits.keepAliveMs / 2))));
    this.timers.push(setInterval(() => void this.recheck(), limits.recheckMs));
    for (const t of this.timers) t.unref();
  }

  /** Server latencies (ms) from receipt of an update to its last send, when measuring. */
  get latencies(): number[] | null {
    return this.rooms.latencies;
  }

  set latencies(values: number[] | null) {
    this.rooms.latencies = values;
  }

  /** Counts connections per person and address across processes from now on (Redis). */
  shareCounts(counts: SharedConnectionCounts) {
    this.sharedCounts = counts;
    const timer = setInterval(() => {
      counts.renew([...this.places].map(([c, place]) => ({ place, personId: c.personId, address: c.address })));
    }, counts.ttlMs / 3);
    timer.unref();
    this.timers.push(timer);
  }

  get loadedProposals(): string[] {
    return this.rooms.loadedProposals;
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
    connection.heartbeatSlot = this.connectionsSeen++ % HEARTBEAT_SLICES;
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
      this.releasePlace(connection);
      if (!counted) return;
      this.registry.remove(connection);
      this.perAddress.remove(address);
      if (room) {
        this.perDocument.remove(admitted.proposalId);
        room.remove(connection);
        this.rooms.release(room);
      }
    });

    // Limits before any work: an address or a person with too many sockets is refused.
    if (this.stopping) return connection.close(CLOSE_SERVER_STOPPING, "server stopping");
    // In memory alone (synchronous, so concurrent upgrades are counted exactly); across processes with Redis.
    const over = this.sharedCounts ? await this.overSharedLimit(this.sharedCounts, connection) : this.overLocalLimit(connection);
    if (over === "address") return connection.close(CLOSE_TOO_MANY_CONNECTIONS, "too many connections from this address");
    if (over === "person") return connection.close(CLOSE_TOO_MANY_CONNECTIONS, "too many connections for this person");
    if (connection.closed) return;
    if (this.perDocument.count(admitted.proposalId) >= this.limits.maxConnectionsPerDocument) {
      return connection.close(CLOSE_TOO_MANY_CONNECTIONS, "too many connections on this proposal");
    }
    counted = true;
    this.perAddress.add(address);
    // Registered before the load, so a logout during a slow load still reaches it.
    this.registry.add(connection);
    this.perDocument.add(admitted.proposalId);
    try {
      room = await this.rooms.open(admitted.proposalId, admitted.facts);
    } catch (error) {
      this.perDocument.remove(admitted.proposalId);
      this.log.error({ err: error, proposalId: admitted.proposalId }, "collab: loading the document failed");
      // Transient: the client retries later; nothing was written, least of all an empty document.
      return connection.close(CLOSE_LOAD_FAILED, "document could not be loaded");
    }
    if (connection.closed) {
      this.perDocument.remove(admitted.proposalId);
      this.rooms.release(room);
      room = undefined;
      return;
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
   * Pings one slice of the connections (each connection is in one, by the order it came): every
   * connection is pinged once per heartbeat interval, and one that has not answered the previous
   * ping by then is terminated. Pinging all of them at once was one task of 19–25 ms with 1,000
   * connections, every 15 s, that every update arriving meanwhile waited for.
   */
  private heartbeat() {
    const slice = this.heartbeatSlice;
    this.heartbeatSlice = (slice + 1) % HEARTBEAT_SLICES;
    for (const c of this.registry.list()) {
      if (c.heartbeatSlot !== slice) continue;
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
      listProposalStatuses(this.db, this.rooms.loadedProposals),
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
    for (const room of this.rooms.list()) for (const c of room.connections) room.refreshAccess(c);
  }

  /** See Rooms.setLocked. */
  setLocked(proposalId: string, locked: boolean): Promise<void> {
    return this.rooms.setLocked(proposalId, locked);
  }

  /** Whether a new connection would exceed the per-address or per-person limit of this process. */
  private overLocalLimit(connection: Connection): "address" | "person" | null {
    if (this.perAddress.count(connection.address) >= this.limits.maxConnectionsPerAddress) return "address";
    if (this.registry.countOfPerson(connection.personId) >= this.limits.maxConnectionsPerPerson) return "person";
    return null;
  }

  /** The same across every process (a place is taken for the connection); in memory while Redis is away. */
  private async overSharedLimit(counts: SharedConnectionCounts, connection: Connection): Promise<"address" | "person" | null> {
    const place = randomUUID();
    const verdict = await counts.take(place, connection.personId, connection.address, {
      perPerson: this.limits.maxConnectionsPerPerson,
      perAddress: this.limits.maxConnectionsPerAddress,
    });
    if (verdict === "unavailable") return this.overLocalLimit(connection);
    if (verdict !== "ok") return verdict;
    this.places.set(connection, place);
    // Closed while the place was being taken: the close handler ran before it existed.
    if (connection.closed) this.releasePlace(connection);
    return null;
  }

  private releasePlace(connection: Connection) {
    const place = this.places.get(connection);
    if (place === undefined) return;
    this.places.delete(connection);
    this.sharedCounts?.release(place, connection.personId, connection.address);
  }

  /**
   * Runs `work` on a proposal's loaded room (loading it if nobody has it open), then lets an unused
   * room unload as usual. Null when there is no such proposal.
   */
  async withRoom<T>(proposalId: string, work: (room: Room) => T): Promise<T | null> {
    const access = await getProposalAccess(this.db, proposalId);
    if (!access) return null;
    const { id: _id, ...facts } = access;
    const room = await this.rooms.open(proposalId, facts);
    try {
      return work(room);
    } finally {
      this.rooms.release(room);
    }
  }

  /** Commits every update applied so far (all documents: the log is one queue). */
  flush(): Promise<void> {
    return this.rooms.flush();
  }

  /**
   * SIGTERM: no new connections, every connection closed with "service restart" (clients keep
   * their edits and reconnect), every pending update committed, derived text stored.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    for (const t of this.timers) clearInterval(t);
    for (const c of this.registry.list()) c.close(CLOSE_SERVER_STOPPING, "server restarting");
    await this.rooms.stop();
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

import * as encoding from "lib0/encoding";
import type { WebSocket } from "ws";
import type { SessionPerson } from "../../db/queries/sessions";
import type { Actor } from "../../app/lib/permissions";
import type { AwarenessIdentity } from "./awareness";
import type { Access } from "./authenticate";
import type { CollabLimits } from "./limits";
import { RateBucket } from "./limits";
import type { SuggestionIdentity } from "../../app/lib/suggestions";
import {
  ACCESS_EDIT,
  ACCESS_READ_ONLY,
  ACCESS_SUGGEST,
  CLOSE_SLOW_CONSUMER,
  MESSAGE_ACCESS,
  MESSAGE_AWARENESS,
  MESSAGE_COMMITTED,
  MESSAGE_THREADS,
} from "./protocol";

/** A keep-alive: an awareness update with no entries (a no-op for every y-websocket client). */
const KEEP_ALIVE = new Uint8Array([MESSAGE_AWARENESS, 1, 0]);

/**
 * One open WebSocket: who is behind it, what it may do, its limits, and what it has been told.
 * The room decides what its messages mean; this class only sends, counts and closes.
 */
export class Connection {
  readonly personId: string;
  readonly clientIds = new Set<number>();
  readonly identity: AwarenessIdentity;
  readonly bucket: RateBucket;
  readonly awarenessBucket: RateBucket;
  actor: Actor;
  access: Access = { readOnly: true, suggesting: false, reason: "" };
  closed = false;
  /** Document messages (sync step 2 and updates) received; the client counts the same ones. */
  received = 0;
  /** `received` numbers of this connection's updates not yet committed (a refused one stays). */
  readonly pendingSeqs: number[] = [];
  /**
   * `received` numbers of updates that referred to what the server did not have yet (typed while
   * reconnecting, before the client's sync reply): settled with the connection's next sync reply,
   * which carries everything the client has.
   */
  heldForSync: number[] = [];
  /** What the client was last told (so a commit that changes nothing for it sends nothing). */
  lastAck = -1;
  lastSentAt = Date.now();
  /** Answered the last ping (or none was sent yet). */
  alive = true;
  /** Which of the heartbeat's slices pings it (set by the hub). */
  heartbeatSlot = 0;
  /** Messages that arrived while the document was loading, handled once it is ready. */
  backlog: Uint8Array[] | null = [];

  constructor(
    readonly ws: WebSocket,
    readonly sessionId: string,
    person: SessionPerson,
    readonly address: string,
    readonly wantsCommitted: boolean,
    readonly limits: CollabLimits,
    color: string,
  ) {
    this.personId = person.id;
    this.actor = {
      role: person.role,
      organizationId: person.organizationId,
      organizationStatus: person.organizationStatus,
      canVote: person.canVote,
    };
    this.identity = {
      name: person.name,
      organization: person.organizationName ?? (person.role === "convener" ? "Convener" : null),
      color,
    };
    this.bucket = new RateBucket(limits.messagesPerSecond, limits.messageBurst);
    this.awarenessBucket = new RateBucket(limits.awarenessPerSecond, limits.awarenessPerSecond * 2);
  }

  organizationId(): string | null {
    return this.actor.organizationId;
  }

  /** The person as their suggestion marks must name them. */
  suggestionIdentity(): SuggestionIdentity {
    return {
      personId: this.personId,
      name: this.identity.name,
      organizationId: this.actor.organizationId,
      organization: this.identity.organization,
    };
  }

  /** The number of this connection's document messages that are committed. */
  ack(): number {
    return this.pendingSeqs.length > 0 ? this.pendingSeqs[0]! - 1 : this.received;
  }

  send(message: Uint8Array): void {
    if (this.closed) return;
    // A client that does not read what it is sent would make the server hold its backlog
    // forever: past the limit it is closed (it reconnects and syncs from scratch).
    if (this.ws.bufferedAmount > this.limits.maxBufferedBytes) {
      this.close(CLOSE_SLOW_CONSUMER, "slow consumer");
      this.ws.terminate();
      return;
    }
    this.lastSentAt = Date.now();
    this.ws.send(message);
  }

  keepAlive(now: number) {
    if (now - this.lastSentAt >= this.limits.keepAliveMs) this.send(KEEP_ALIVE);
  }

  /**
   * Tells a client that asked (`?saved=1`) what the server has committed, when there is news for
   * it: more of its own messages committed. Others' commits are not news (the client judges only
   * its own changes), which keeps this to one message per author per batch.
   */
  sendCommitted(committedSv: Uint8Array) {
    if (!this.wantsCommitted) return;
    const ack = this.ack();
    if (ack === this.lastAck) return;
    this.lastAck = ack;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_COMMITTED);
    encoding.writeVarUint(encoder, ack);
    encoding.writeVarUint8Array(encoder, committedSv);
    this.send(encoding.toUint8Array(encoder));
  }

  /** Tells a client that asked that the comments on passages changed. */
  sendThreadsChanged() {
    if (this.wantsCommitted) this.send(new Uint8Array([MESSAGE_THREADS]));
  }

  /** Sets what the connection may do and tells a client that asked. */
  setAccess(access: Access, force = false) {
    const changed =
      access.readOnly !== this.access.readOnly || access.suggesting !== this.access.suggesting || access.reason !== this.access.reason;
    this.access = access;
    if (!this.wantsCommitted || (!changed && !force)) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_ACCESS);
    encoding.writeVarUint(encoder, access.readOnly ? ACCESS_READ_ONLY : access.suggesting ? ACCESS_SUGGEST : ACCESS_EDIT);
    encoding.writeVarString(encoder, access.reason);
    this.send(encoding.toUint8Array(encoder));
  }

  close(code: number, reason: string) {
    if (this.closed) return;
    this.closed = true;
    try {
      this.ws.close(code, reason.slice(0, 120));
    } catch {
      this.ws.terminate();
    }
  }
}

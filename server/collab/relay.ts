import * as decoding from "lib0/decoding";
import * as encoding from "lib0/encoding";
import { randomBytes, randomUUID } from "node:crypto";
import { createClient } from "redis";
import type { Logger } from "../logger";
import type { RoomsRelay } from "./rooms";

/**
 * Collaboration between processes over Redis pub/sub. PostgreSQL stays the only durable store:
 * a process publishes an update only after it has committed it to the log, so whatever another
 * process applies from here is already durable, and it is never written again. Messages are
 * numbered per process; a jump (a message missed while Redis was away) makes the receiver catch
 * up from the log. Control messages (lock, flush, recheck) go on a second channel; a request waits
 * until every other subscribed process has answered.
 */

const KIND_UPDATE = 0;
const KIND_AWARENESS = 1;
/** "My last update was number n": lets a receiver notice a missed tail within a second. */
const KIND_MARK = 2;

export type ControlMessage =
  { t: "lock" | "unlock" | "flush" | "recheck" | "threads"; p: string } | { t: "close-person"; person: string; reason: string };

/** What the relay does to this process when another one speaks. */
export interface RelayTarget {
  applyRemote(proposalId: string, update: Uint8Array): void;
  applyRemoteAwareness(proposalId: string, update: Uint8Array): void;
  /** Something was missed: every loaded room merges what the log has. */
  catchUpAll(): Promise<void>;
  /** Runs a control message; a request is answered once the returned promise settles. */
  control(message: ControlMessage): Promise<void> | void;
}

export class RelayUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RelayUnavailable";
  }
}

type Envelope = ControlMessage & { o: string; id?: string };

export type RedisClient = ReturnType<typeof createClient>;

export class Relay implements RoomsRelay {
  /** This process, in every message it sends (its own messages come back and are skipped). */
  readonly origin = randomBytes(8).toString("hex");
  private seq = 0;
  /** The last update number heard from each other process. */
  private readonly lastSeq = new Map<string, number>();
  private readonly requests = new Map<string, { acks: Set<string>; expected: number; resolve: () => void }>();
  private readonly publisher: RedisClient;
  private readonly subscriber: RedisClient;
  private readonly docChannel: string;
  private readonly controlChannel: string;
  private markTimer: NodeJS.Timeout | null = null;
  /** Which connection has failed since it was last up (warned once, caught up on return). */
  private readonly down = { publisher: false, subscriber: false };
  private stopped = false;

  constructor(
    options: { url: string; prefix: string; requestTimeoutMs?: number; markMs?: number },
    private readonly log: Logger,
    private readonly target: RelayTarget,
  ) {
    this.docChannel = `${options.prefix}collab:doc`;
    this.controlChannel = `${options.prefix}collab:control`;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 5000;
    // Reconnects every ≤ 1 s for ever; while away, publishing fails at once instead of queueing
    // (the log has everything, and receivers catch up from it).
    const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 1000);
    this.publisher = createClient({ url: options.url, disableOfflineQueue: true, socket: { reconnectStrategy } });
    this.subscriber = this.publisher.duplicate({ disableOfflineQueue: false });
    for (const [name, client] of [
      ["publisher", this.publisher],
      ["subscriber", this.subscriber],
    ] as const) {
      client.on("error", (error: unknown) => {
        if (!this.down[name])
          this.log.warn({ err: error, client: name }, "collab: Redis unreachable; editing goes on, shared again on return");
        this.down[name] = true;
      });
    }
    this.publisher.on("ready", () => {
      this.down.publisher = false;
    });
    this.subscriber.on("ready", () => {
      if (!this.down.subscriber) return;
      this.down.subscriber = false;
      this.log.info("collab: Redis back; catching up from the log");
      // The subscriptions are renewed just after "ready": catch up at once and once more after.
      void this.target.catchUpAll();
      setTimeout(() => void this.target.catchUpAll(), 1000).unref();
    });
    this.markTimer = setInterval(() => this.publishDoc(KIND_MARK, "", new Uint8Array(0), this.seq), options.markMs ?? 1000);
    this.markTimer.unref();
  }

  private readonly requestTimeoutMs: number;

  /** Connects and subscribes (resolves once subscribed, or after `waitMs` with Redis still away). */
  async start(waitMs = 3000): Promise<void> {
    const subscribed = (async () => {
      await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
      await this.subscriber.subscribe(this.docChannel, (message) => this.receiveDoc(message), true);
      await this.subscriber.subscribe(this.controlChannel, (message) => this.receiveControl(message));
      // Anything committed before the subscription is in the log: rooms loaded meanwhile catch up.
      await this.target.catchUpAll();
    })();
    subscribed.catch((error: unknown) => this.log.warn({ err: error }, "collab: connecting to Redis failed"));
    await Promise.race([subscribed.catch(() => {}), new Promise((resolve) => setTimeout(resolve, waitMs).unref())]);
  }

  /** The connection that publishes, for other shared state (connection counts). */
  get commands(): RedisClient {
    return this.publisher;
  }

  /** Both connections up: updates flow to and from the other processes. */
  get ready(): boolean {
    return this.publisher.isReady && this.subscriber.isReady;
  }

  publishUpdates(proposalId: string, updates: Uint8Array[]) {
    for (const update of updates) this.publishDoc(KIND_UPDATE, proposalId, update, ++this.seq);
  }

  publishAwareness(proposalId: string, update: Uint8Array) {
    this.publishDoc(KIND_AWARENESS, proposalId, update, this.seq);
  }

  private publishDoc(kind: number, proposalId: string, payload: Uint8Array, seq: number) {
    if (this.stopped || !this.publisher.isReady) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, kind);
    encoding.writeVarString(encoder, this.origin);
    encoding.writeVarUint(encoder, seq);
    encoding.writeVarString(encoder, proposalId);
    encoding.writeVarUint8Array(encoder, payload);
    // A message lost here is noticed by the receivers (the next number jumps) and healed from the log.
    this.publisher.publish(this.docChannel, Buffer.from(encoding.toUint8Array(encoder))).catch(() => {});
  }

  private receiveDoc(message: Buffer) {
    let kind: number, origin: string, seq: number, proposalId: string, payload: Uint8Array;
    try {
      const decoder = decoding.createDecoder(new Uint8Array(message));
      kind = decoding.readVarUint(decoder);
      origin = decoding.readVarString(decoder);
      seq = decoding.readVarUint(decoder);
      proposalId = decoding.readVarString(decoder);
      payload = decoding.readVarUint8Array(decoder);
    } catch {
      this.log.warn("collab: a malformed message on the Redis channel was ignored");
      return;
    }
    if (origin === this.origin) return;
    const last = this.lastSeq.get(origin);
    if (kind === KIND_AWARENESS) return this.target.applyRemoteAwareness(proposalId, payload);
    this.lastSeq.set(origin, Math.max(last ?? 0, seq));
    // A process heard of for the first time, or a number skipped: something may be missing here.
    const missed = kind === KIND_MARK ? last === undefined || seq > last : seq !== (last ?? 0) + 1;
    if (kind === KIND_UPDATE) this.target.applyRemote(proposalId, payload);
    if (missed && seq > 0) void this.target.catchUpAll();
  }

  /** Tells every other process; nothing waits for them. */
  broadcast(message: ControlMessage) {
    if (this.stopped || !this.publisher.isReady) return;
    this.publisher.publish(this.controlChannel, JSON.stringify({ ...message, o: this.origin })).catch(() => {});
  }

  /**
   * Asks every other process to do `message` and waits until each has. Redis says how many
   * subscribers received it; one is this process. Refused (RelayUnavailable) when Redis is away or
   * a process does not answer in time: the caller must not go on as if they had.
   */
  async request(message: ControlMessage): Promise<void> {
    if (!this.ready) throw new RelayUnavailable("Redis is unreachable");
    const id = randomUUID();
    const entry = { acks: new Set<string>(), expected: Number.POSITIVE_INFINITY, resolve: () => {} };
    const answered = new Promise<void>((resolve) => (entry.resolve = resolve));
    this.requests.set(id, entry);
    let timer: NodeJS.Timeout | undefined;
    try {
      const receivers = await this.publisher.publish(this.controlChannel, JSON.stringify({ ...message, o: this.origin, id }));
      entry.expected = Number(receivers) - 1;
      if (entry.acks.size >= entry.expected) return;
      await Promise.race([
        answered,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new RelayUnavailable("another process did not answer")), this.requestTimeoutMs);
        }),
      ]);
    } finally {
      clearTimeout(timer);
      this.requests.delete(id);
    }
  }

  private receiveControl(raw: string) {
    let message: Envelope | { t: "ack"; o: string; id: string };
    try {
      message = JSON.parse(raw) as typeof message;
    } catch {
      return;
    }
    if (message.o === this.origin) return;
    if (message.t === "ack") {
      const entry = this.requests.get(message.id);
      if (!entry) return;
      entry.acks.add(message.o);
      if (entry.acks.size >= entry.expected) entry.resolve();
      return;
    }
    const { id } = message as Envelope;
    // Answered only once done: a request that failed here times out there and is refused.
    Promise.resolve(this.target.control(message as ControlMessage))
      .then(() => {
        if (id && this.publisher.isReady) {
          this.publisher.publish(this.controlChannel, JSON.stringify({ t: "ack", o: this.origin, id })).catch(() => {});
        }
      })
      .catch((error: unknown) => this.log.warn({ err: error, kind: message.t }, "collab: a request from another process failed"));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.markTimer) clearInterval(this.markTimer);
    await Promise.allSettled([this.subscriber.close(), this.publisher.close()]);
  }
}

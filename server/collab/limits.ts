/**
 * The collaboration server's limits, in one place, with the reason for each. Tests and the
 * benchmark may pass other values (createCollaboration's `limits` option).
 */
export interface CollabLimits {
  /** Largest WebSocket message: a whole 60,000-character proposal pasted at once is ~200 KB. */
  maxMessageBytes: number;
  /** Largest document (accepted update bytes since load + loaded size): stops unbounded growth. */
  maxDocumentBytes: number;
  /** Open connections on one proposal: a coalition is dozens of people, not hundreds. */
  maxConnectionsPerDocument: number;
  /** Open connections of one person (tabs, devices). */
  maxConnectionsPerPerson: number;
  /** Open connections from one address (an office behind one NAT). */
  maxConnectionsPerAddress: number;
  /** Messages per second per connection (sustained), and the burst above it. */
  messagesPerSecond: number;
  messageBurst: number;
  /** Awareness messages per second per connection beyond which they are dropped (not closed). */
  awarenessPerSecond: number;
  /** Largest awareness state (JSON) of one client; larger ones are dropped. */
  maxAwarenessStateBytes: number;
  /** Client ids one connection may hold in awareness (a tab has one; a reload may leave one). */
  maxAwarenessClientsPerConnection: number;
  /** Ping interval; a connection that missed a whole interval without a pong is terminated. */
  heartbeatMs: number;
  /** Send something to a connection that got nothing for this long (y-websocket drops at 30 s). */
  keepAliveMs: number;
  /** Bytes queued for a client beyond which it is a slow consumer and is closed. */
  maxBufferedBytes: number;
  /** How often every connection's session and access are re-checked against the database. */
  recheckMs: number;
  /** How long a document with no connection stays loaded (a reload reconnects at once). */
  unloadDelayMs: number;
  /** Debounce of the derived JSON/HTML/text while people type. */
  deriveDebounceMs: number;
  /** Log rows beyond which a document is compacted while loaded. */
  compactAfterUpdates: number;
}

export const defaultLimits: CollabLimits = {
  maxMessageBytes: 2 * 1024 * 1024,
  maxDocumentBytes: 32 * 1024 * 1024,
  maxConnectionsPerDocument: 100,
  maxConnectionsPerPerson: 20,
  maxConnectionsPerAddress: 200,
  messagesPerSecond: 100,
  messageBurst: 400,
  awarenessPerSecond: 30,
  maxAwarenessStateBytes: 4 * 1024,
  maxAwarenessClientsPerConnection: 4,
  heartbeatMs: 15_000,
  keepAliveMs: 10_000,
  maxBufferedBytes: 8 * 1024 * 1024,
  recheckMs: 3_000,
  unloadDelayMs: 10_000,
  deriveDebounceMs: 5_000,
  compactAfterUpdates: 2_000,
};

/** A token bucket: `take()` is false once the rate (plus burst) is exceeded. */
export class RateBucket {
  private tokens: number;
  private last = Date.now();

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Counts of open connections by key (document, person, address). */
export class ConnectionCounter {
  private counts = new Map<string, number>();

  count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  add(key: string) {
    this.counts.set(key, this.count(key) + 1);
  }

  remove(key: string) {
    const n = this.count(key) - 1;
    if (n <= 0) this.counts.delete(key);
    else this.counts.set(key, n);
  }
}

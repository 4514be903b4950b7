import { EventEmitter } from "node:events";

/**
 * "Round X changed": announced after a ballot is committed, a round closes, moves or is
 * cancelled; the round page's event stream listens and tells open pages to read the round again.
 * The notice carries no data (each page re-reads what its person may see); with several
 * processes it is carried to the others (`relay`, server/notifications.ts).
 */
export interface RoundEvents {
  /** Tells every listener of this round, in this process and (with a relay) every other, that it changed. */
  announce(roundId: string): void;
  /** Calls `listener` on every announcement for this round; returns the unsubscribe. */
  subscribe(roundId: string, listener: () => void): () => void;
}

export interface LocalRoundEvents extends RoundEvents {
  /** An announcement from another process: this process's listeners only. */
  deliver(roundId: string): void;
  /** Every round with a listener here is announced (after notices may have been missed). */
  deliverAll(): void;
  /** Sends the notices still waiting to the other processes now (when the server stops). */
  flush(): void;
}

/**
 * One emitter, one event name per round; `relay` carries announcements to the other processes.
 * Those of one round within `relayAfterMs` go as one notice at its end, after all of them: fifty
 * organizations casting at once cost a few notices, not fifty (each a statement on PostgreSQL).
 */
export function createRoundEvents(relay?: (roundId: string) => void, relayAfterMs = 100): LocalRoundEvents {
  const emitter = new EventEmitter();
  // Every open round page holds one listener; the default cap of 10 would only print a warning.
  emitter.setMaxListeners(0);
  // Rounds with a notice waiting, and its timer.
  const relaying = new Map<string, NodeJS.Timeout>();
  const send = (roundId: string) => {
    relaying.delete(roundId);
    relay?.(roundId);
  };
  return {
    announce(roundId) {
      emitter.emit(roundId);
      if (!relay || relaying.has(roundId)) return;
      relaying.set(roundId, setTimeout(() => send(roundId), relayAfterMs).unref());
    },
    flush() {
      for (const [roundId, timer] of relaying) {
        clearTimeout(timer);
        send(roundId);
      }
    },
    deliver(roundId) {
      emitter.emit(roundId);
    },
    deliverAll() {
      for (const name of emitter.eventNames()) if (typeof name === "string") emitter.emit(name);
    },
    subscribe(roundId, listener) {
      emitter.on(roundId, listener);
      return () => emitter.off(roundId, listener);
    },
  };
}

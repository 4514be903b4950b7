import { EventEmitter } from "node:events";

/**
 * "Round X changed": announced after a ballot is committed, a round closes, moves or is
 * cancelled; the round page's event stream listens and tells open pages to read the round again.
 * The notice carries no data (each page re-reads what its person may see), so a later
 * implementation can carry it across processes (Redis pub/sub) behind the same two functions.
 */
export interface RoundEvents {
  /** Tells every listener of this round, in this process, that it changed. */
  announce(roundId: string): void;
  /** Calls `listener` on every announcement for this round; returns the unsubscribe. */
  subscribe(roundId: string, listener: () => void): () => void;
}

/** The in-process implementation: one emitter, one event name per round. */
export function createRoundEvents(): RoundEvents {
  const emitter = new EventEmitter();
  // Every open round page holds one listener; the default cap of 10 would only print a warning.
  emitter.setMaxListeners(0);
  return {
    announce(roundId) {
      emitter.emit(roundId);
    },
    subscribe(roundId, listener) {
      emitter.on(roundId, listener);
      return () => emitter.off(roundId, listener);
    },
  };
}

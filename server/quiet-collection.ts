/**
 * One memory-reducing collection once the server has gone quiet (docs/decisions/101).
 *
 * V8 13 (Node 24, the Docker image's) keeps the heap pages a collection frees in a pool for reuse,
 * and gives them back to the system only in a memory-reducing collection. Its memory reducer never
 * starts one in a server that simply went quiet: it judges the allocation rate from the last
 * collections, which were made under load. So the process stayed at its peak: with 1,000 idle
 * collaboration connections it kept 48 MB of pooled pages beside a 58 MB heap, and 213–222 MB in
 * all. Node 20 and 22 give pages back as a collection frees them.
 *
 * So, where `gc` is exposed (scripts/node-flags.js adds `--expose-gc` from Node 24), the server asks
 * for the collection Node calls "last resort" once nothing happened for `quietMs` (no page request,
 * health probes aside, and no document change): about 100 ms of pause with a 45 MB heap, at a
 * moment when nobody waits. It runs again only after something happened.
 */
import type { Logger } from "./logger";

/** Node's `gc` with `--expose-gc` (Node 24 takes these options; older ones ignore them). */
export type ExposedGc = (options?: { type?: "major" | "minor"; execution?: "sync" | "async"; flavor?: "regular" | "last-resort" }) => void;

export interface QuietCollection {
  stop(): void;
}

export interface QuietCollectionOptions {
  /** Grows with everything that makes the server busy (requests, document changes). */
  activity: () => number;
  log: Logger;
  /** Quiet this long (one check apart) before collecting: between 1 and 2 times it in all. */
  quietMs?: number;
  /** The collection: by default `globalThis.gc` when it is exposed; null, or none exposed: nothing is started. */
  collect?: ExposedGc | null;
}

export function collectWhenQuiet(options: QuietCollectionOptions): QuietCollection {
  const collect = options.collect === undefined ? (globalThis as { gc?: ExposedGc }).gc : options.collect;
  if (!collect) return { stop() {} };
  const { activity, log } = options;
  let seen = activity();
  // The activity count a collection was made at: none again until it moves.
  let collectedAt: number | null = null;
  const timer = setInterval(() => {
    const now = activity();
    if (now !== seen) {
      seen = now;
      return;
    }
    if (collectedAt === now) return;
    collectedAt = now;
    const before = process.memoryUsage.rss();
    const started = performance.now();
    collect({ type: "major", execution: "sync", flavor: "last-resort" });
    log.debug(
      {
        pauseMs: Math.round(performance.now() - started),
        rssMbBefore: Math.round(before / 1048576),
        rssMbAfter: Math.round(process.memoryUsage.rss() / 1048576),
      },
      "quiet: memory-reducing collection",
    );
  }, options.quietMs ?? 15_000);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
    },
  };
}

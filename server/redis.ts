import { createClient } from "redis";
import type { Logger } from "./logger";

/** Reconnect after 100 ms, 200 ms, … up to 2 s, for ever: Redis coming back is always picked up. */
const reconnectStrategy = (retries: number) => Math.min(100 * (retries + 1), 2_000);

function makeClient(url: string) {
  return createClient({ url, disableOfflineQueue: true, pingInterval: 5_000, socket: { reconnectStrategy, connectTimeout: 2_000 } });
}

/** The node-redis client every shared part uses (rate limits, collaboration relay). */
export type RedisClient = ReturnType<typeof makeClient>;

export interface SharedRedis {
  client: RedisClient;
  /** Every key and channel starts with this (REDIS_PREFIX): tests and deployments sharing one Redis stay apart. */
  prefix: string;
  /** Whether the connection is up now (commands fail at once while it is not: no offline queue). */
  isReady(): boolean;
  /** A second connection (for SUBSCRIBE, which takes a connection over), connected, same settings. */
  duplicate(): Promise<RedisClient>;
  close(): Promise<void>;
}

/**
 * Connects to REDIS_URL. The server starts whether or not Redis answers: the client keeps
 * reconnecting in the background, and while it is away every command fails at once (no offline
 * queue), so that callers fall back (rate limits count in memory) instead of waiting.
 */
export async function connectRedis(options: { url: string; prefix: string; log: Pick<Logger, "info" | "warn"> }): Promise<SharedRedis> {
  const { url, prefix, log } = options;
  const client = makeClient(url);
  let wasReady = false;
  const watch = (c: RedisClient, name: string) => {
    c.on("error", (error: unknown) => {
      if (c === client && wasReady)
        log.warn({ err: error instanceof Error ? error.message : String(error) }, `redis (${name}): connection lost`);
      if (c === client) wasReady = false;
    });
    c.on("ready", () => {
      if (c === client) wasReady = true;
      log.info(`redis (${name}): connected`);
    });
  };
  watch(client, "main");
  const extra = new Set<RedisClient>();
  // Wait a little for the first connection, never for ever: a process without Redis still serves.
  const connected = client.connect().then(
    () => true,
    () => false,
  );
  const ok = await Promise.race([connected, new Promise<false>((resolve) => setTimeout(() => resolve(false), 3_000).unref())]);
  if (!ok) log.warn("redis: not reachable at start; retrying in the background, counting in memory meanwhile");
  return {
    client,
    prefix,
    isReady: () => client.isReady,
    async duplicate() {
      const copy = client.duplicate();
      watch(copy, "subscriber");
      extra.add(copy);
      void copy.connect().catch(() => {});
      return copy;
    },
    async close() {
      for (const c of [client, ...extra]) {
        try {
          if (c.isReady) await c.close();
          else if (c.isOpen) c.destroy();
        } catch {
          c.destroy();
        }
      }
    },
  };
}

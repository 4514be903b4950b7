import type { createClient } from "redis";
import type { Logger } from "../logger";

type RedisClient = ReturnType<typeof createClient>;

export type PlaceVerdict = "ok" | "person" | "address" | "unavailable";

/**
 * Takes a place for one connection in a person's and an address's sorted sets, atomically: expired
 * places (of a process that died) are dropped first, then the limits checked, then the place added.
 * Returns 0 (taken), 1 (the person is at the limit) or 2 (the address is).
 */
const TAKE = `
local now = tonumber(ARGV[2])
for i = 1, 2 do redis.call('ZREMRANGEBYSCORE', KEYS[i], '-inf', now) end
if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[5]) then return 2 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[4]) then return 1 end
for i = 1, 2 do
  redis.call('ZADD', KEYS[i], ARGV[3], ARGV[1])
  redis.call('PEXPIRE', KEYS[i], ARGV[6])
end
return 0
`;

/**
 * Collaboration connections per person and per address counted across every process (Redis).
 * A place expires unless its process renews it, so a process killed with its connections open
 * frees their places within `ttlMs`. While Redis is unreachable the hub counts in memory.
 */
export class SharedConnectionCounts {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
    private readonly log: Logger,
    readonly ttlMs = 30_000,
  ) {}

  private keys(personId: string, address: string): [string, string] {
    return [`${this.prefix}collab:places:person:${personId}`, `${this.prefix}collab:places:address:${address}`];
  }

  async take(place: string, personId: string, address: string, limits: { perPerson: number; perAddress: number }): Promise<PlaceVerdict> {
    if (!this.client.isReady) return "unavailable";
    const now = Date.now();
    try {
      const verdict = await this.client.eval(TAKE, {
        keys: this.keys(personId, address),
        arguments: [place, String(now), String(now + this.ttlMs), String(limits.perPerson), String(limits.perAddress), String(this.ttlMs)],
      });
      return verdict === 0 ? "ok" : verdict === 1 ? "person" : "address";
    } catch (error) {
      this.log.warn({ err: error }, "collab: counting connections in Redis failed; counting in memory");
      return "unavailable";
    }
  }

  release(place: string, personId: string, address: string) {
    if (!this.client.isReady) return;
    for (const key of this.keys(personId, address)) this.client.zRem(key, place).catch(() => {});
  }

  /** Renews the places of this process's open connections. */
  renew(places: { place: string; personId: string; address: string }[]) {
    if (!this.client.isReady) return;
    const expires = Date.now() + this.ttlMs;
    for (const { place, personId, address } of places) {
      for (const key of this.keys(personId, address)) {
        this.client.zAdd(key, { score: expires, value: place }, { XX: true }).catch(() => {});
        this.client.pExpire(key, this.ttlMs).catch(() => {});
      }
    }
  }
}

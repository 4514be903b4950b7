import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";

/** What a limiter is made from: a name (the store's key prefix), points, a window in seconds. */
export interface LimiterOptions {
  keyPrefix: string;
  points: number;
  duration: number;
}

/**
 * The one place a limiter's store is chosen: this process's memory (one process, no REDIS_URL),
 * or Redis, shared by every process (`redisLimiter`), with the same options.
 */
export type MakeLimiter = (options: LimiterOptions) => RateLimiterAbstract;

export const memoryLimiter: MakeLimiter = (options) => new RateLimiterMemory(options);

/**
 * Limiters counted in Redis, so that every process adds to the same counts (docs/decisions/085).
 * While Redis is unreachable each process counts in its own memory (the insurance limiter) and
 * goes back to Redis when it returns: a limit may then be up to N times looser, never stricter,
 * and no request waits for Redis.
 */
export function redisLimiter(redis: { client: unknown; prefix: string }): MakeLimiter {
  return (options) =>
    new RateLimiterRedis({
      ...options,
      storeClient: redis.client,
      useRedisPackage: true,
      rejectIfRedisNotReady: true,
      keyPrefix: `${redis.prefix}limit:${options.keyPrefix}`,
      insuranceLimiter: new RateLimiterMemory(options),
    });
}

/** The sign-in rule (README, "Accounts and sessions"); the numbers are exported for the tests. */
export const LOGIN_LIMITS = {
  /** Wrong passwords for one account from one address before that pair is refused. */
  failuresPerAccountAndAddress: 10,
  /** Wrong passwords from one address, whatever the accounts, before that address is refused. */
  failuresPerAddress: 50,
  /** Wrong passwords for one account, from any address, before its sign-ins are slowed down. */
  failuresPerAccountBeforeDelay: 10,
  /** The delay every sign-in of a slowed-down account waits; the account never locks. */
  accountDelayMs: 1_000,
  /** The window failures are counted in. */
  windowSeconds: 15 * 60,
} as const;

/** Limits on the forms anyone can post. */
export function createRateLimiters(makeLimiter: MakeLimiter = memoryLimiter) {
  const window = LOGIN_LIMITS.windowSeconds;
  return {
    /** Failed sign-ins per (account, address) pair; a success clears the pair. */
    loginFailuresByAccountAndAddress: makeLimiter({
      keyPrefix: "login-fail-pair",
      points: LOGIN_LIMITS.failuresPerAccountAndAddress,
      duration: window,
    }),
    /** Failed sign-ins per address, whichever accounts they name. */
    loginFailuresByAddress: makeLimiter({ keyPrefix: "login-fail-ip", points: LOGIN_LIMITS.failuresPerAddress, duration: window }),
    /** Failed sign-ins per account from anywhere: past the limit sign-ins are delayed, never refused. */
    loginFailuresByAccount: makeLimiter({
      keyPrefix: "login-fail-account",
      points: LOGIN_LIMITS.failuresPerAccountBeforeDelay,
      duration: window,
    }),
    /** Posts to the setup, invitation and password-reset links per address (before any token or password work). */
    tokenPostsByAddress: makeLimiter({ keyPrefix: "token-post-ip", points: 20, duration: window }),
    /** Password-reset requests per client address. */
    forgotByAddress: makeLimiter({ keyPrefix: "forgot-ip", points: 10, duration: 60 * 60 }),
    /** Membership inquiries per client address. */
    inquiryByAddress: makeLimiter({ keyPrefix: "inquiry-ip", points: 5, duration: 60 * 60 }),
  };
}

export type RateLimiters = ReturnType<typeof createRateLimiters>;

/** Takes one point; returns the seconds to wait when the limit is reached, or 0. */
export async function consumePoint(limiter: RateLimiterAbstract, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}

/** Seconds until `key` may be tried again when its points are used up, or 0 (takes no point). */
export async function secondsBlocked(limiter: RateLimiterAbstract, key: string): Promise<number> {
  const res = await limiter.get(key);
  if (!res || res.consumedPoints < limiter.points) return 0;
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}

/** Whether `key` has used up its points (takes no point). */
export async function isOverLimit(limiter: RateLimiterAbstract, key: string): Promise<boolean> {
  return (await secondsBlocked(limiter, key)) > 0;
}

/** Counts one failure; never throws for being over the limit (the next attempt is refused). */
export async function recordFailure(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (error) {
    if (!(error instanceof RateLimiterRes)) throw error;
  }
}

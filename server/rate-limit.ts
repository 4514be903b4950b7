import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

/**
 * Limits on the forms anyone can post. Kept in this process's memory: one server process per
 * deployment (PGlite is one process by design); several processes would each count on their own.
 */
export function createRateLimiters() {
  return {
    /** Login attempts per client address. */
    loginByAddress: new RateLimiterMemory({ keyPrefix: "login-ip", points: 30, duration: 15 * 60 }),
    /** Login attempts per account (the email typed), whichever address they come from. */
    loginByAccount: new RateLimiterMemory({ keyPrefix: "login-account", points: 10, duration: 15 * 60 }),
    /** Password-reset requests per client address. */
    forgotByAddress: new RateLimiterMemory({ keyPrefix: "forgot-ip", points: 10, duration: 60 * 60 }),
    /** Membership inquiries per client address. */
    inquiryByAddress: new RateLimiterMemory({ keyPrefix: "inquiry-ip", points: 5, duration: 60 * 60 }),
  };
}

export type RateLimiters = ReturnType<typeof createRateLimiters>;

/** Takes one point; returns the seconds to wait when the limit is reached, or 0. */
export async function consumePoint(limiter: RateLimiterMemory, key: string): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (error) {
    if (error instanceof RateLimiterRes) return Math.max(1, Math.ceil(error.msBeforeNext / 1000));
    throw error;
  }
}

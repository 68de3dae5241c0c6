import { Injectable } from '@nestjs/common';
import { RedisService } from '@streamplane/db';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AuthError, AuthErrorCode } from './auth.errors';

/** Named buckets for the endpoints an attacker would hammer. Budgets are per key (an IP or an email). */
const BUCKETS = {
  signupPerIp: { points: 10, duration: 3600 },
  loginPerIp: { points: 30, duration: 900 },
  loginPerEmail: { points: 10, duration: 900 },
  refreshPerIp: { points: 120, duration: 60 },
} as const;
export type RateLimitBucket = keyof typeof BUCKETS;

@Injectable()
export class RateLimitService {
  private readonly limiters: Record<RateLimitBucket, RateLimiterRedis>;

  constructor(redis: RedisService) {
    const entries = Object.entries(BUCKETS).map(([name, budget]) => [
      name,
      new RateLimiterRedis({ storeClient: redis, keyPrefix: `rl:${name}`, ...budget }),
    ]);
    this.limiters = Object.fromEntries(entries) as Record<RateLimitBucket, RateLimiterRedis>;
  }

  /** Spends one point; throws RATE_LIMITED (with Retry-After seconds) once the budget is gone. */
  async consume(bucket: RateLimitBucket, key: string): Promise<void> {
    try {
      await this.limiters[bucket].consume(key);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AuthError(
        AuthErrorCode.RATE_LIMITED,
        `Too many attempts. Try again in ${retryAfterSeconds} seconds.`,
        {
          retryAfterSeconds,
        },
      );
    }
  }

  /** A successful login clears the per-email budget, so a user's own typos do not lock them out later. */
  async reset(bucket: RateLimitBucket, key: string): Promise<void> {
    await this.limiters[bucket].delete(key);
  }
}

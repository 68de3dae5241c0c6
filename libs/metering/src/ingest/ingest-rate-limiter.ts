import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { RedisService } from '@streamplane/db';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { MeteringError, MeteringErrorCode } from '../metering.errors';

/**
 * Per-deployment budget of ingest requests (`ingest.rateLimit`), shared by every api replica through Redis.
 * If Redis fails, each process falls back to an in-memory budget of the same size: ingest keeps working
 * (the events' record is PostgreSQL), merely limited per process.
 */
@Injectable()
export class IngestRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: RedisService, @InjectConfig() config: AppConfig) {
    const budget = {
      points: config.ingest.rateLimit.batches,
      duration: config.ingest.rateLimit.windowSeconds,
    };
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'rl:ingest',
      ...budget,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'rl:ingest', ...budget }),
    });
  }

  /** Spends one request of the deployment's budget; RATE_LIMITED (with Retry-After seconds) once it is gone. */
  async consume(deploymentId: string): Promise<void> {
    try {
      await this.limiter.consume(deploymentId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new MeteringError(
        MeteringErrorCode.RATE_LIMITED,
        `Too many usage batches for this deployment. Try again in ${retryAfterSeconds} seconds.`,
        { retryAfterSeconds },
      );
    }
  }
}

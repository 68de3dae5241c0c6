import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { RedisService } from '@streamplane/db';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { MeteringError, MeteringErrorCode } from '../metering.errors';

/**
 * A per-deployment budget of an agent's requests, the size of `ingest.rateLimit`, shared by every api replica
 * through Redis under `keyPrefix`. If Redis fails, each process falls back to an in-memory budget of the same
 * size: agents keep working (their record is PostgreSQL), merely limited per process.
 */
export class DeploymentRequestBudget {
  private readonly limiter: RateLimiterRedis;

  constructor(
    redis: RedisService,
    config: AppConfig,
    private readonly keyPrefix: string,
    /** The typed error (429 with Retry-After) once the budget is spent. */
    private readonly exhausted: (retryAfterSeconds: number) => Error,
  ) {
    const budget = {
      points: config.ingest.rateLimit.batches,
      duration: config.ingest.rateLimit.windowSeconds,
    };
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix,
      ...budget,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix, ...budget }),
    });
  }

  /** Spends one request of the deployment's budget; throws `exhausted(seconds)` once it is gone. */
  async consume(deploymentId: string): Promise<void> {
    try {
      await this.limiter.consume(deploymentId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      throw this.exhausted(Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
    }
  }
}

/** The budget of ingest batches (POST /v1/ingest/events). */
@Injectable()
export class IngestRateLimiter extends DeploymentRequestBudget {
  constructor(redis: RedisService, @InjectConfig() config: AppConfig) {
    super(
      redis,
      config,
      'rl:ingest',
      (retryAfterSeconds) =>
        new MeteringError(
          MeteringErrorCode.RATE_LIMITED,
          `Too many usage batches for this deployment. Try again in ${retryAfterSeconds} seconds.`,
          { retryAfterSeconds },
        ),
    );
  }
}

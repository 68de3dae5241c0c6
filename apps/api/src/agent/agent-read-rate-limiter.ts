import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { RedisService } from '@streamplane/db';
import { DomainError, ErrorKind } from '@streamplane/errors';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

/**
 * Per-deployment budget of the agent's reads (GET /v1/agent/*), shared by every api replica through Redis.
 * Its own bucket with the ingest budget's size (`ingest.rateLimit`): an agent that polls its pipelines in a
 * loop is stopped without eating into the budget its usage and telemetry batches need. If Redis fails, each
 * process falls back to an in-memory budget of the same size (as the ingest limiter does).
 */
@Injectable()
export class AgentReadRateLimiter {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: RedisService, @InjectConfig() config: AppConfig) {
    const budget = {
      points: config.ingest.rateLimit.batches,
      duration: config.ingest.rateLimit.windowSeconds,
    };
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: 'rl:agent-read',
      ...budget,
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: 'rl:agent-read', ...budget }),
    });
  }

  /** Spends one read of the deployment's budget; RATE_LIMITED (429 with Retry-After) once it is gone. */
  async consume(deploymentId: string): Promise<void> {
    try {
      await this.limiter.consume(deploymentId);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfterSeconds = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new DomainError(
        ErrorKind.RATE_LIMITED,
        'RATE_LIMITED',
        `Too many agent requests for this deployment. Try again in ${retryAfterSeconds} seconds.`,
        { retryAfterSeconds },
      );
    }
  }
}

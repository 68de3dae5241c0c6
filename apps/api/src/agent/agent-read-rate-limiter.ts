import { Injectable } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { RedisService } from '@streamplane/db';
import { DomainError, ErrorKind } from '@streamplane/errors';
import { DeploymentRequestBudget } from '@streamplane/metering';

/**
 * The budget of an agent's reads (GET /v1/agent/*): its own bucket, of the ingest budget's size, so an agent
 * that polls its pipelines in a loop is stopped without eating into what its usage and telemetry need.
 */
@Injectable()
export class AgentReadRateLimiter extends DeploymentRequestBudget {
  constructor(redis: RedisService, @InjectConfig() config: AppConfig) {
    super(
      redis,
      config,
      'rl:agent-read',
      (retryAfterSeconds) =>
        new DomainError(
          ErrorKind.RATE_LIMITED,
          'RATE_LIMITED',
          `Too many agent requests for this deployment. Try again in ${retryAfterSeconds} seconds.`,
          { retryAfterSeconds },
        ),
    );
  }
}

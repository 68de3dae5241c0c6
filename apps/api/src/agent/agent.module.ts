import { Module } from '@nestjs/common';
import { AgentTokensModule } from '@streamplane/metering';
import { PipelinesModule } from '@streamplane/pipelines';
import { AgentPipelinesController } from './agent-pipelines.controller';
import { AgentReadRateLimiter } from './agent-read-rate-limiter';

/** GET /v1/agent/*: what the deployments' agents read (their pipelines), with their agent tokens, rate limited. */
@Module({
  imports: [AgentTokensModule, PipelinesModule],
  controllers: [AgentPipelinesController],
  providers: [AgentReadRateLimiter],
})
export class AgentModule {}

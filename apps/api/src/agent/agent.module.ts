import { Module } from '@nestjs/common';
import { AgentTokensModule } from '@streamplane/metering';
import { PipelinesModule } from '@streamplane/pipelines';
import { AgentPipelinesController } from './agent-pipelines.controller';

/** GET /v1/agent/*: what the deployments' agents read (their pipelines), with their agent tokens. */
@Module({ imports: [AgentTokensModule, PipelinesModule], controllers: [AgentPipelinesController] })
export class AgentModule {}

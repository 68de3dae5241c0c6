import { Controller, Get, Req } from '@nestjs/common';
import { AgentTokensService } from '@streamplane/metering';
import { AgentPipelinesService, type AgentPipeline } from '@streamplane/pipelines';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorators';
import { AgentReadRateLimiter } from './agent-read-rate-limiter';

/**
 * What a deployment's data-plane agent reads from the control plane. The caller is a deployment, not a user:
 * authenticated here by its agent token (`Authorization: Bearer sp_agt_…`), like POST /v1/ingest/events, so
 * the user access guard treats the route as public and this handler refuses anything without a valid token.
 */
@Controller('v1/agent')
export class AgentPipelinesController {
  constructor(
    private readonly agentTokens: AgentTokensService,
    private readonly pipelines: AgentPipelinesService,
    private readonly rateLimiter: AgentReadRateLimiter,
  ) {}

  /**
   * The deployment's pipelines as applied on its cluster: each stage's topics and consumer group. Rate
   * limited per deployment (429 with Retry-After), after authentication so a bad token cannot spend a budget.
   */
  @Public()
  @Get('pipelines')
  async list(@Req() request: FastifyRequest): Promise<AgentPipeline[]> {
    const agent = await this.agentTokens.authenticate(bearerOf(request.headers.authorization));
    await this.rateLimiter.consume(agent.deploymentId);
    return this.pipelines.applied(agent.orgId, agent.deploymentId);
  }
}

function bearerOf(authorization: string | undefined): string | undefined {
  return authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

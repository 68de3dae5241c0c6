import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  AgentTokensService,
  ingestFormatOf,
  mergeIngestOutcomes,
  splitBatch,
  UsageIngestService,
  type IngestResult,
} from '@streamplane/metering';
import { Metrics } from '@streamplane/observability';
import { isTelemetryEvent, TelemetryIngestService } from '@streamplane/telemetry';
import type { FastifyRequest } from 'fastify';
import { Public } from '../auth/access.decorators';

/** Marks the route for the hooks in ingest-http.ts (content types checked before the body is read). */
export const INGEST_ROUTE_CONFIG = { ingestEvents: true } as const;

/**
 * Usage and telemetry (heartbeats, pipeline checkpoints) from the data-plane agents, mixed in one batch. Not a user's or an API token's endpoint: the caller is a deployment,
 * authenticated here by its agent token (`Authorization: Bearer sp_agt_…`), so the user access guard
 * treats the route as public and this handler refuses anything without a valid agent token.
 */
@Controller('v1/ingest')
export class IngestController {
  constructor(
    private readonly agentTokens: AgentTokensService,
    private readonly usage: UsageIngestService,
    private readonly telemetry: TelemetryIngestService,
    private readonly metrics: Metrics,
  ) {}

  /**
   * 200 once the batch is processed: `accepted` were committed now, `duplicates` before (both are safe in
   * PostgreSQL), and each of `rejected` says why. Errors about the request as a whole use the api's error
   * shape: 401, 413, 415, 429 (with Retry-After), 400 for a body that is not a batch.
   */
  @Public()
  @Post('events')
  @HttpCode(200)
  @RouteConfig(INGEST_ROUTE_CONFIG)
  async events(@Req() request: FastifyRequest, @Body() body: unknown): Promise<IngestResult> {
    const format = ingestFormatOf(request.headers['content-type']);
    const agent = await this.agentTokens.authenticate(bearerOf(request.headers.authorization));
    await this.usage.admit(agent);
    const items = this.usage.parse(format, typeof body === 'string' ? body : '');
    // Parsed once; each path validates its own events, positions stay the batch's.
    const [usage, telemetry] = splitBatch(items, isTelemetryEvent);
    const result = mergeIngestOutcomes(
      await this.usage.ingestPart(agent, usage),
      await this.telemetry.ingestPart(agent, telemetry),
    );
    this.metrics.recordIngest(result);
    return result;
  }
}

function bearerOf(authorization: string | undefined): string | undefined {
  return authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
}

import { Controller, Get, Logger, Query, Res } from '@nestjs/common';
import type { Principal } from '@streamplane/auth';
import { parseInput } from '@streamplane/errors';
import {
  UsageGranularity,
  UsageQueriesService,
  type UsagePoint,
  type UsageQuery,
} from '@streamplane/metering';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { AnyMember, CurrentPrincipal } from '../auth/access.decorators';
import { csvRecord } from './csv';

export const USAGE_CSV_COLUMNS = [
  'bucket_start',
  'deployment_id',
  'deployment_name',
  'dimension',
  'unit',
  'quantity',
] as const;

/** `2026-11-01` (midnight UTC) or an RFC 3339 date-time with its offset (`Z`, `+01:00`). */
const dateTime = z
  .union([z.iso.date(), z.iso.datetime({ offset: true })], {
    error: 'must be a date (2026-11-01) or an RFC 3339 date-time (2026-11-01T00:00:00Z)',
  })
  .transform((value) => new Date(value.length === 10 ? `${value}T00:00:00Z` : value));

const ExportParams = z.strictObject({
  from: dateTime,
  to: dateTime,
  granularity: z
    .string()
    .transform((value) => value.toUpperCase())
    .pipe(z.enum(UsageGranularity, { error: 'must be HOUR, DAY or MONTH' })),
  dimension: z.string().optional(),
  deploymentId: z.string().optional(),
});

/**
 * `GET /v1/usage.csv?from=&to=&granularity=&dimension=&deploymentId=`: the `usage` query's series as a CSV
 * download, streamed a window of whole buckets at a time (so it has no point cap). Authenticated like
 * GraphQL (an API token, or the session cookie with its CSRF header); the same validation and scoping.
 */
@Controller('v1')
export class UsageExportController {
  private readonly logger = new Logger(UsageExportController.name);

  constructor(private readonly usageQueries: UsageQueriesService) {}

  @AnyMember()
  @Get('usage.csv')
  async export(
    @CurrentPrincipal() principal: Principal,
    @Query() params: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // Everything that can be refused is refused here, before the 200 and the first byte.
    const query = await this.usageQueries.prepare(principal.orgId, parseInput(ExportParams, params));
    const body = Readable.from(this.rows(principal.orgId, query));
    body.on('error', (error) =>
      this.logger.error({ err: error, requestId: reply.request.id }, 'usage export failed mid-stream'),
    );
    await reply
      .header('content-type', 'text/csv; charset=utf-8; header=present')
      .header('content-disposition', `attachment; filename="${fileNameOf(query)}"`)
      .header('cache-control', 'no-store')
      .send(body);
  }

  private async *rows(orgId: string, query: UsageQuery): AsyncGenerator<string> {
    yield csvRecord(USAGE_CSV_COLUMNS);
    for await (const points of this.usageQueries.stream(orgId, query)) {
      yield points.map(recordOf).join('');
    }
  }
}

function recordOf(point: UsagePoint): string {
  return csvRecord([
    point.bucketStart.toISOString(),
    point.deploymentId,
    point.deploymentName,
    point.dimension,
    point.unit,
    point.quantity,
  ]);
}

/** e.g. `streamplane-usage-2026-11-01T00Z-2026-12-01T00Z-day.csv` (no characters a file system minds). */
function fileNameOf(query: UsageQuery): string {
  const hour = (date: Date) => `${date.toISOString().slice(0, 13)}Z`;
  return `streamplane-usage-${hour(query.from)}-${hour(query.to)}-${query.granularity.toLowerCase()}.csv`;
}

import { Injectable } from '@nestjs/common';
import { PrismaService } from '@streamplane/db';
import { UsageCounters } from '../counters/usage-counters';
import { MetersService, type Meter } from '../meters/meters.service';
import { periodEndOf, periodStartOf } from '../period';
import { UsageQueryError, UsageQueryErrorCode as Code } from './usage-queries.errors';
import {
  chunksOf,
  parseUsageQuery,
  USAGE_QUERY_LIMITS,
  type UsageQuery,
  type UsageQueryInput,
} from './usage-query';
import { usageSql, type UsageRow } from './usage-sql';

/** One bucket of usage of one deployment and dimension. */
export interface UsagePoint {
  bucketStart: Date;
  deploymentId: string;
  deploymentName: string;
  dimension: string;
  unit: string;
  /** Exact decimal string (never a float), e.g. `"2.5"`, `"1073741824"`. */
  quantity: string;
}

export interface UsageTotal {
  deploymentId: string;
  deploymentName: string;
  dimension: string;
  unit: string;
  quantity: string;
}

export interface PeriodUsage {
  periodStart: Date;
  periodEnd: Date;
  totals: UsageTotal[];
}

/**
 * Reads of an organization's usage for the api: series over a range (GraphQL), the same streamed in
 * chunks (CSV export), and this month's running totals. `orgId` always comes from the principal; a
 * deployment of another organization is refused exactly like an id that does not exist.
 */
@Injectable()
export class UsageQueriesService {
  constructor(
    private readonly prisma: PrismaService,
    private readonly metersService: MetersService,
    private readonly counters: UsageCounters,
  ) {}

  /** Every meter, by dimension. */
  meters(): Promise<readonly Meter[]> {
    return this.metersService.list();
  }

  /** Parses and bounds `input`, and checks its dimension and deployment (within `orgId`). */
  async prepare(orgId: string, input: UsageQueryInput): Promise<UsageQuery> {
    const query = parseUsageQuery(input);
    if (query.dimension) {
      const meters = await this.metersService.byDimension();
      if (!meters.has(query.dimension)) {
        const known = [...meters.keys()];
        throw new UsageQueryError(
          Code.UNKNOWN_DIMENSION,
          `No meter "${query.dimension}"; the dimensions are ${known.join(', ')}.`,
          [{ field: 'dimension', message: 'must be a meter dimension' }],
        );
      }
    }
    if (query.deploymentId) {
      const deployment = await this.prisma.deployment.findFirst({
        where: { id: query.deploymentId, orgId },
        select: { id: true },
      });
      if (!deployment) {
        throw new UsageQueryError(Code.DEPLOYMENT_NOT_FOUND, 'No such deployment in this organization.');
      }
    }
    return query;
  }

  /**
   * Usage per deployment, dimension and bucket, ordered by bucket; buckets without usage are absent.
   * Returns the query as answered (the range widened to whole hours) with the points.
   * At most USAGE_QUERY_LIMITS.maxPoints points: more is refused (TOO_MANY_POINTS), never cut short.
   */
  async usage(orgId: string, input: UsageQueryInput): Promise<{ query: UsageQuery; points: UsagePoint[] }> {
    const query = await this.prepare(orgId, input);
    const { maxPoints } = USAGE_QUERY_LIMITS;
    const rows = await this.prisma.$queryRaw<UsageRow[]>(usageSql({ orgId, ...query, limit: maxPoints + 1 }));
    if (rows.length > maxPoints) {
      throw new UsageQueryError(
        Code.TOO_MANY_POINTS,
        `That is more than ${maxPoints} points: filter by deployment or dimension, choose a coarser ` +
          'granularity or a shorter range, or download the CSV export (GET /v1/usage.csv).',
      );
    }
    return { query, points: rows.map(pointOf) };
  }

  /**
   * The same series as `usage`, without a cap, as consecutive batches of points (one per window of whole
   * buckets), so an export holds one window in memory at a time. `query` comes from `prepare`.
   */
  async *stream(orgId: string, query: UsageQuery): AsyncGenerator<UsagePoint[]> {
    for (const window of chunksOf(query)) {
      const rows = await this.prisma.$queryRaw<UsageRow[]>(usageSql({ orgId, ...query, ...window }));
      if (rows.length > 0) yield rows.map(pointOf);
    }
  }

  /**
   * The current UTC month's totals per deployment and dimension, from the live counters (Redis, rebuilt from
   * PostgreSQL when missing): what the dashboard polls, so it does not scan the month's hours each time.
   * Ordered by deployment name, then dimension.
   */
  async currentPeriod(orgId: string, now = new Date()): Promise<PeriodUsage> {
    const periodStart = periodStartOf(now);
    const quantities = await this.counters.periodTotals(orgId, periodStart);
    const meters = await this.metersService.byDimension();
    const deployments = new Map(
      (
        await this.prisma.deployment.findMany({
          where: { orgId, id: { in: [...new Set(quantities.map((q) => q.deploymentId))] } },
          select: { id: true, name: true },
        })
      ).map((d) => [d.id, d.name]),
    );
    const totals: UsageTotal[] = [];
    for (const { deploymentId, dimension, quantity } of quantities) {
      const deploymentName = deployments.get(deploymentId);
      const meter = meters.get(dimension);
      // Counters are kept per organization; this only guards against a deployment deleted meanwhile.
      if (deploymentName === undefined || !meter) continue;
      totals.push({ deploymentId, deploymentName, dimension, unit: meter.unit, quantity });
    }
    totals.sort(
      (a, b) =>
        a.deploymentName.localeCompare(b.deploymentName) ||
        a.deploymentId.localeCompare(b.deploymentId) ||
        a.dimension.localeCompare(b.dimension),
    );
    return { periodStart, periodEnd: periodEndOf(periodStart), totals };
  }
}

function pointOf(row: UsageRow): UsagePoint {
  return {
    bucketStart: row.bucket_start,
    deploymentId: row.deployment_id,
    deploymentName: row.deployment_name,
    dimension: row.dimension,
    unit: row.unit,
    quantity: row.quantity,
  };
}

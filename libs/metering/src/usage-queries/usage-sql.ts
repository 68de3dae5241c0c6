import { Prisma } from '@streamplane/db';
import type { UsageGranularity } from './usage-query';

/** One bucket of one deployment and dimension, as the usage SQL returns it. */
export interface UsageRow {
  bucket_start: Date;
  deployment_id: string;
  deployment_name: string;
  dimension: string;
  unit: string;
  /** Exact decimal, without trailing zeros (`trim_scale`). */
  quantity: string;
}

export interface UsageSqlParams {
  orgId: string;
  from: Date;
  to: Date;
  granularity: UsageGranularity;
  dimension?: string;
  deploymentId?: string;
  /** At most this many rows (the GraphQL cap, plus one to notice it was exceeded). */
  limit?: number;
}

/**
 * Usage per (deployment, dimension, UTC bucket) over [from, to), exact, in one statement.
 *
 * An hour's quantity comes from `usage_hourly` once the billing worker has rolled it up. An hour still in
 * `usage_pending_hours` (new events since its last roll-up, including late ones re-opening it) is computed
 * here from its `usage_events` the way the roll-up will compute it, and replaces any older roll-up of that
 * hour — so the answer never waits for the worker and never counts an event twice.
 *
 * Hours make buckets by the meter's aggregation: SUM adds the hours, MAX takes the largest, LATEST takes the
 * last hour that has a value. UNIQUE_COUNT cannot be made from hourly counts (a device seen in two hours is
 * one device), so it counts distinct keys straight from the bucket's events.
 *
 * Every branch filters on the organization itself, not only through the deployment join.
 */
export function usageSql(p: UsageSqlParams): Prisma.Sql {
  const unit = p.granularity.toLowerCase();
  const from = p.from.toISOString();
  const to = p.to.toISOString();
  const onDeployment = (column: string) =>
    p.deploymentId ? Prisma.sql`AND ${Prisma.raw(column)} = ${p.deploymentId}::uuid` : Prisma.empty;
  const limit = p.limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${p.limit}`;
  return Prisma.sql`
    WITH m AS (
      SELECT dimension, unit, aggregation::text AS aggregation FROM meters
      ${p.dimension ? Prisma.sql`WHERE dimension = ${p.dimension}` : Prisma.empty}
    ),
    pending AS (
      SELECT p.deployment_id, p.dimension, p.hour, m.aggregation
      FROM usage_pending_hours p JOIN m ON m.dimension = p.dimension
      WHERE p.org_id = ${p.orgId}::uuid AND p.hour >= ${from}::timestamptz AND p.hour < ${to}::timestamptz
        AND m.aggregation <> 'UNIQUE_COUNT' ${onDeployment('p.deployment_id')}
    ),
    hours AS (
      SELECT h.deployment_id, h.dimension, h.hour, h.quantity, m.aggregation
      FROM usage_hourly h JOIN m ON m.dimension = h.dimension
      WHERE h.org_id = ${p.orgId}::uuid AND h.hour >= ${from}::timestamptz AND h.hour < ${to}::timestamptz
        AND m.aggregation <> 'UNIQUE_COUNT' ${onDeployment('h.deployment_id')}
        AND NOT EXISTS (
          SELECT 1 FROM pending WHERE pending.deployment_id = h.deployment_id
            AND pending.dimension = h.dimension AND pending.hour = h.hour)
      UNION ALL
      SELECT e.deployment_id, e.dimension, e.hour,
        CASE pending.aggregation
          WHEN 'SUM' THEN sum(e.value)
          WHEN 'MAX' THEN max(e.value)
          ELSE (array_agg(e.value ORDER BY e.time DESC, e.id DESC)
                  FILTER (WHERE pending.aggregation = 'LATEST'))[1]
        END,
        pending.aggregation
      FROM pending JOIN usage_events e ON e.deployment_id = pending.deployment_id
        AND e.dimension = pending.dimension AND e.hour = pending.hour AND e.org_id = ${p.orgId}::uuid
      GROUP BY e.deployment_id, e.dimension, e.hour, pending.aggregation
    ),
    buckets AS (
      SELECT deployment_id, dimension, date_trunc(${unit}, hour, 'UTC') AS bucket_start,
        CASE aggregation
          WHEN 'SUM' THEN sum(quantity)
          WHEN 'MAX' THEN max(quantity)
          ELSE (array_agg(quantity ORDER BY hour DESC) FILTER (WHERE aggregation = 'LATEST'))[1]
        END AS quantity
      FROM hours
      GROUP BY 1, 2, 3, aggregation
      UNION ALL
      SELECT e.deployment_id, e.dimension, date_trunc(${unit}, e.hour, 'UTC'),
        count(DISTINCT e.unique_key)::numeric
      FROM usage_events e JOIN m ON m.dimension = e.dimension AND m.aggregation = 'UNIQUE_COUNT'
      WHERE e.org_id = ${p.orgId}::uuid AND e.hour >= ${from}::timestamptz AND e.hour < ${to}::timestamptz
        ${onDeployment('e.deployment_id')}
      GROUP BY 1, 2, 3
    )
    SELECT b.bucket_start, b.deployment_id::text AS deployment_id, d.name AS deployment_name,
      b.dimension, m.unit, trim_scale(b.quantity)::text AS quantity
    FROM buckets b
    JOIN m ON m.dimension = b.dimension
    JOIN deployments d ON d.id = b.deployment_id AND d.org_id = ${p.orgId}::uuid
    ORDER BY b.bucket_start, d.name, b.deployment_id, b.dimension
    ${limit}`;
}

import { randomUUID } from 'node:crypto';
import { Prisma, type PrismaService } from '@streamplane/db';

/**
 * Test data for roll-ups (integration tests, the billing worker's crash test, the benchmark): organizations
 * and deployments, usage events recorded the way ingest commits them, and an independent oracle of what
 * usage_hourly must hold.
 */

/** An organization with a cloud account and `count` RUNNING local deployments. */
export async function makeOrgWithDeployments(
  prisma: PrismaService,
  count = 1,
): Promise<{ orgId: string; deploymentIds: string[] }> {
  const suffix = randomUUID().slice(0, 8);
  const org = await prisma.organization.create({ data: { name: `Org ${suffix}`, slug: `org-${suffix}` } });
  const account = await prisma.cloudAccount.create({
    data: { orgId: org.id, provider: 'AZURE', name: `azure ${suffix}`, status: 'VERIFIED' },
  });
  const deploymentIds: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = randomUUID();
    await prisma.deployment.create({
      data: {
        id,
        orgId: org.id,
        cloudAccountId: account.id,
        name: `k-${suffix}-${i}`,
        cloud: 'AZURE',
        region: 'westeurope',
        zones: ['1', '2', '3'],
        kafkaVersion: '4.1.0',
        controllers: 3,
        brokers: 3,
        nodeSize: 'Standard_D4s_v5',
        storagePerBrokerGiB: 100,
        externalListener: false,
        clientAuthentication: 'SCRAM_SHA_512',
        spec: {},
        status: 'RUNNING',
        engine: 'local',
        stackName: `dep-${id}`,
      },
    });
    deploymentIds.push(id);
  }
  return { orgId: org.id, deploymentIds };
}

/** Meters the seed does not have (every seeded one is SUM or UNIQUE_COUNT), for MAX and LATEST. */
export const TEST_GAUGE_MAX = 'test_gauge_max';
export const TEST_GAUGE_LATEST = 'test_gauge_latest';

export async function addTestGaugeMeters(prisma: PrismaService): Promise<void> {
  await prisma.$executeRaw`
    INSERT INTO meters (dimension, display_name, unit, aggregation, description) VALUES
      (${TEST_GAUGE_MAX}, 'Test gauge (max)', 'unit', 'MAX', 'Test only.'),
      (${TEST_GAUGE_LATEST}, 'Test gauge (latest)', 'unit', 'LATEST', 'Test only.')
    ON CONFLICT (dimension) DO NOTHING`;
}

export interface UsageEventInput {
  orgId: string;
  deploymentId: string;
  dimension: string;
  /** A decimal, exact. */
  value: string | number;
  /** RFC 3339, any offset: the bucket is its UTC hour. */
  time: string | Date;
  key?: string;
  source?: string;
  id?: string;
}

/**
 * Records events as ingest commits them: in one transaction, the new events (a re-sent (source, id) is
 * ignored) and a mark on each (deployment, dimension, hour) they touch — re-marking an already marked hour
 * with ON CONFLICT DO UPDATE, which waits for a roll-up that has claimed the mark and re-inserts it after.
 * Returns how many events were new.
 */
export async function recordUsage(
  prisma: PrismaService | Prisma.TransactionClient,
  events: UsageEventInput[],
): Promise<number> {
  if (events.length === 0) return 0;
  const rows = events.map((e) => ({
    source: e.source ?? `/deployments/${e.deploymentId}/agent`,
    id: e.id ?? randomUUID(),
    time: new Date(e.time).toISOString(),
  }));
  const [{ inserted }] = await prisma.$queryRaw<{ inserted: number }[]>`
    WITH input AS (
      SELECT * FROM unnest(
        ${rows.map((r) => r.source)}::varchar[], ${rows.map((r) => r.id)}::varchar[],
        ${events.map((e) => e.orgId)}::uuid[], ${events.map((e) => e.deploymentId)}::uuid[],
        ${events.map((e) => e.dimension)}::varchar[], ${events.map((e) => String(e.value))}::numeric[],
        ${events.map((e) => e.key ?? null)}::varchar[], ${rows.map((r) => r.time)}::timestamptz[]
      ) AS i(source, event_id, org_id, deployment_id, dimension, value, unique_key, time)
    ),
    inserted AS (
      INSERT INTO usage_events
        (source, event_id, org_id, deployment_id, dimension, value, unique_key, time, hour)
      SELECT source, event_id, org_id, deployment_id, dimension, value, unique_key, time,
             date_trunc('hour', time, 'UTC')
      FROM input
      ON CONFLICT (source, event_id) DO NOTHING
      RETURNING org_id, deployment_id, dimension, hour
    ),
    marked AS (
      INSERT INTO usage_pending_hours (org_id, deployment_id, dimension, hour)
      SELECT DISTINCT org_id, deployment_id, dimension, hour FROM inserted
      ORDER BY deployment_id, dimension, hour
      ON CONFLICT (deployment_id, dimension, hour) DO UPDATE SET marked_at = now()
    )
    SELECT count(*)::int AS inserted FROM inserted`;
  return inserted;
}

export interface HourlyTotal {
  quantity: string;
  eventCount: number;
}

/** `deploymentId|dimension|hour ISO` */
export function hourKey(deploymentId: string, dimension: string, hour: Date): string {
  return `${deploymentId}|${dimension}|${hour.toISOString()}`;
}

/**
 * The oracle: every hour's aggregate computed here in exact decimals from the events themselves (their
 * `time`, not the stored `hour`), independently of the roll-up's SQL.
 */
export async function expectedHourlyTotals(
  prisma: PrismaService,
  where: { orgId?: string } = {},
): Promise<Map<string, HourlyTotal>> {
  const events = await prisma.$queryRaw<
    {
      id: bigint;
      deployment_id: string;
      dimension: string;
      value: string;
      unique_key: string | null;
      time: Date;
      aggregation: string;
    }[]
  >`
    SELECT e.id, e.deployment_id::text, e.dimension, e.value::text, e.unique_key, e.time, m.aggregation::text
    FROM usage_events e JOIN meters m ON m.dimension = e.dimension
    WHERE ${where.orgId ?? null}::uuid IS NULL OR e.org_id = ${where.orgId ?? null}::uuid`;
  const groups = new Map<string, typeof events>();
  for (const event of events) {
    const hour = new Date(Math.floor(event.time.getTime() / 3_600_000) * 3_600_000);
    const key = hourKey(event.deployment_id, event.dimension, hour);
    groups.set(key, [...(groups.get(key) ?? []), event]);
  }
  const totals = new Map<string, HourlyTotal>();
  for (const [key, group] of groups) {
    const values = group.map((e) => new Prisma.Decimal(e.value));
    let quantity: Prisma.Decimal;
    switch (group[0].aggregation) {
      case 'SUM':
        quantity = values.reduce((a, b) => a.plus(b), new Prisma.Decimal(0));
        break;
      case 'MAX':
        quantity = Prisma.Decimal.max(...values);
        break;
      case 'UNIQUE_COUNT':
        quantity = new Prisma.Decimal(
          new Set(group.flatMap((e) => (e.unique_key ? [e.unique_key] : []))).size,
        );
        break;
      case 'LATEST': {
        const latest = [...group].sort(
          (a, b) => b.time.getTime() - a.time.getTime() || (b.id > a.id ? 1 : b.id < a.id ? -1 : 0),
        )[0];
        quantity = new Prisma.Decimal(latest.value);
        break;
      }
      default:
        throw new Error(`unknown aggregation ${group[0].aggregation}`);
    }
    totals.set(key, { quantity: quantity.toString(), eventCount: group.length });
  }
  return totals;
}

/** What usage_hourly holds, in the oracle's shape. */
export async function rolledUpTotals(
  prisma: PrismaService,
  where: { orgId?: string } = {},
): Promise<Map<string, HourlyTotal>> {
  const rows = await prisma.$queryRaw<
    { deployment_id: string; dimension: string; hour: Date; quantity: string; event_count: number }[]
  >`
    SELECT deployment_id::text, dimension, hour, quantity::text, event_count
    FROM usage_hourly
    WHERE ${where.orgId ?? null}::uuid IS NULL OR org_id = ${where.orgId ?? null}::uuid`;
  return new Map(
    rows.map((r) => [
      hourKey(r.deployment_id, r.dimension, r.hour),
      { quantity: new Prisma.Decimal(r.quantity).toString(), eventCount: r.event_count },
    ]),
  );
}

/** Sorted entries, for readable assertions: `expect(sorted(a)).toEqual(sorted(b))`. */
export function sorted(totals: Map<string, HourlyTotal>): [string, HourlyTotal][] {
  return [...totals.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function pendingHourCount(prisma: PrismaService): Promise<number> {
  const [{ count }] = await prisma.$queryRaw<{ count: number }[]>`
    SELECT count(*)::int AS count FROM usage_pending_hours`;
  return count;
}

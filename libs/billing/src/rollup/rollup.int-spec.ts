import { Logger } from '@nestjs/common';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { Prisma, PrismaService } from '@streamplane/db';
import { Client } from 'pg';
import { RollupService } from './rollup.service';
import {
  addTestGaugeMeters,
  expectedHourlyTotals,
  makeOrgWithDeployments,
  pendingHourCount,
  recordUsage,
  rolledUpTotals,
  sorted,
  TEST_GAUGE_LATEST,
  TEST_GAUGE_MAX,
  type UsageEventInput,
} from './testing/usage-fixtures';

jest.setTimeout(60_000);

describe('RollupService (real PostgreSQL)', () => {
  let config: AppConfig;
  let prisma: PrismaService;
  let rollup: RollupService;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    config = loadConfig(process.env);
    prisma = new PrismaService(config);
    rollup = new RollupService(config, prisma);
    await addTestGaugeMeters(prisma);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
  });

  // Each test starts from nothing pending, so counts returned by rollUpPending are the test's own.
  beforeEach(async () => {
    await rollup.rollUpPending();
  });

  async function hourly(deploymentId: string, dimension: string, hour: string) {
    return prisma.usageHourly.findUnique({
      where: { deploymentId_dimension_hour: { deploymentId, dimension, hour: new Date(hour) } },
    });
  }

  it('aggregates each meter by its aggregation per UTC hour, across hour, day and month boundaries', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma, 2);
    const [a, b] = deploymentIds;
    const at = (
      deploymentId: string,
      dimension: string,
      time: string,
      value: string | number,
      key?: string,
    ) => ({ orgId, deploymentId, dimension, time, value, key }) satisfies UsageEventInput;
    await recordUsage(prisma, [
      // SUM, exact decimals; the last millisecond of a month and the first of the next are different hours.
      at(a, 'ingress_bytes', '2026-11-30T23:00:00.000Z', '1000.000000001'),
      at(a, 'ingress_bytes', '2026-11-30T23:59:59.999Z', '0.1'),
      at(a, 'ingress_bytes', '2026-11-30T23:30:00.000Z', '0.2'),
      at(a, 'ingress_bytes', '2026-12-01T00:00:00.000Z', 7),
      // A local time with an offset lands in its UTC hour: 19:30-05:00 is 00:30Z on the next day.
      at(a, 'ingress_bytes', '2026-11-30T19:30:00-05:00', 3),
      // The same dimension of another deployment is its own row.
      at(b, 'ingress_bytes', '2026-11-30T23:10:00.000Z', 5),
      // MAX across a day boundary.
      at(a, TEST_GAUGE_MAX, '2026-11-15T23:10:00Z', 3),
      at(a, TEST_GAUGE_MAX, '2026-11-15T23:20:00Z', '7.5'),
      at(a, TEST_GAUGE_MAX, '2026-11-15T23:40:00Z', 5),
      at(a, TEST_GAUGE_MAX, '2026-11-16T00:00:00Z', 1),
      // LATEST: the value of the event latest by time, whatever the order of arrival.
      at(a, TEST_GAUGE_LATEST, '2026-11-15T10:05:00Z', 1),
      at(a, TEST_GAUGE_LATEST, '2026-11-15T10:50:00Z', 2),
      at(a, TEST_GAUGE_LATEST, '2026-11-15T10:30:00Z', 3),
      at(a, TEST_GAUGE_LATEST, '2026-11-15T11:00:00Z', 4),
      // UNIQUE_COUNT: distinct keys in the hour.
      at(a, 'connected_assets', '2026-11-15T10:01:00Z', 1, 'device-a'),
      at(a, 'connected_assets', '2026-11-15T10:02:00Z', 1, 'device-b'),
      at(a, 'connected_assets', '2026-11-15T10:03:00Z', 1, 'device-a'),
      at(a, 'connected_assets', '2026-11-15T10:59:00Z', 1, 'device-c'),
      at(a, 'connected_assets', '2026-11-15T11:00:00Z', 1, 'device-a'),
    ]);
    expect(await pendingHourCount(prisma)).toBe(9);

    expect(await rollup.rollUpPending()).toEqual({ hours: 9, events: 19 });

    const expectRow = async (
      deploymentId: string,
      dimension: string,
      hour: string,
      quantity: string,
      eventCount: number,
    ) => {
      const row = await hourly(deploymentId, dimension, hour);
      expect({ quantity: row?.quantity.toString(), eventCount: row?.eventCount, orgId: row?.orgId }).toEqual({
        quantity,
        eventCount,
        orgId,
      });
    };
    await expectRow(a, 'ingress_bytes', '2026-11-30T23:00:00Z', '1000.300000001', 3);
    await expectRow(a, 'ingress_bytes', '2026-12-01T00:00:00Z', '10', 2);
    await expectRow(b, 'ingress_bytes', '2026-11-30T23:00:00Z', '5', 1);
    await expectRow(a, TEST_GAUGE_MAX, '2026-11-15T23:00:00Z', '7.5', 3);
    await expectRow(a, TEST_GAUGE_MAX, '2026-11-16T00:00:00Z', '1', 1);
    await expectRow(a, TEST_GAUGE_LATEST, '2026-11-15T10:00:00Z', '2', 3);
    await expectRow(a, TEST_GAUGE_LATEST, '2026-11-15T11:00:00Z', '4', 1);
    await expectRow(a, 'connected_assets', '2026-11-15T10:00:00Z', '3', 4);
    await expectRow(a, 'connected_assets', '2026-11-15T11:00:00Z', '1', 1);
    expect(await pendingHourCount(prisma)).toBe(0);
    expect(sorted(await rolledUpTotals(prisma, { orgId }))).toEqual(
      sorted(await expectedHourlyTotals(prisma, { orgId })),
    );
  });

  it('LATEST breaks a tie on time by the event accepted last', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma);
    const base = { orgId, deploymentId: deploymentIds[0], dimension: TEST_GAUGE_LATEST };
    await recordUsage(prisma, [{ ...base, time: '2026-11-15T10:30:00Z', value: 1 }]);
    await recordUsage(prisma, [{ ...base, time: '2026-11-15T10:30:00Z', value: 9 }]);
    await rollup.rollUpPending();
    expect(
      (await hourly(deploymentIds[0], TEST_GAUGE_LATEST, '2026-11-15T10:00:00Z'))?.quantity.toString(),
    ).toBe('9');
  });

  it('is a no-op when run again, and does not count a re-sent event', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma);
    const event = {
      orgId,
      deploymentId: deploymentIds[0],
      dimension: 'broker_hours',
      time: '2026-11-20T08:15:00Z',
      value: '0.25',
      id: 'evt-1',
    };
    expect(await recordUsage(prisma, [event])).toBe(1);
    expect(await rollup.rollUpPending()).toEqual({ hours: 1, events: 1 });
    const first = await hourly(deploymentIds[0], 'broker_hours', '2026-11-20T08:00:00Z');

    expect(await rollup.rollUpPending()).toEqual({ hours: 0, events: 0 });
    expect(await recordUsage(prisma, [event])).toBe(0); // the same (source, id) again: nothing new
    expect(await rollup.rollUpPending()).toEqual({ hours: 0, events: 0 });
    expect(await hourly(deploymentIds[0], 'broker_hours', '2026-11-20T08:00:00Z')).toEqual(first);
    expect(first?.quantity.toString()).toBe('0.25');
  });

  it('re-rolls the hour of a late event, replacing its row rather than adding to it', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma);
    const base = { orgId, deploymentId: deploymentIds[0] };
    await recordUsage(prisma, [
      { ...base, dimension: 'egress_bytes', time: '2026-11-20T08:15:00Z', value: 100 },
      { ...base, dimension: 'egress_bytes', time: '2026-11-20T09:15:00Z', value: 50 },
      { ...base, dimension: TEST_GAUGE_LATEST, time: '2026-11-20T08:40:00Z', value: 10 },
    ]);
    await rollup.rollUpPending();
    const untouched = await hourly(deploymentIds[0], 'egress_bytes', '2026-11-20T09:00:00Z');

    // Late: an egress event in 08:00, and a gauge reading earlier than the one already rolled up.
    await recordUsage(prisma, [
      { ...base, dimension: 'egress_bytes', time: '2026-11-20T08:59:00Z', value: 1 },
      { ...base, dimension: TEST_GAUGE_LATEST, time: '2026-11-20T08:10:00Z', value: 99 },
    ]);
    expect(await rollup.rollUpPending()).toEqual({ hours: 2, events: 4 });
    expect(await hourly(deploymentIds[0], 'egress_bytes', '2026-11-20T08:00:00Z')).toMatchObject({
      quantity: new Prisma.Decimal(101),
      eventCount: 2,
    });
    expect(await hourly(deploymentIds[0], TEST_GAUGE_LATEST, '2026-11-20T08:00:00Z')).toMatchObject({
      quantity: new Prisma.Decimal(10),
      eventCount: 2,
    });
    // The 09:00 hour was not marked again, so not rewritten.
    expect(await hourly(deploymentIds[0], 'egress_bytes', '2026-11-20T09:00:00Z')).toEqual(untouched);
  });

  it('a late event committed while its hour is being rolled up re-rolls it afterwards', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma);
    const deploymentId = deploymentIds[0];
    const base = { orgId, deploymentId, dimension: 'ingress_bytes' };
    await recordUsage(prisma, [{ ...base, time: '2026-11-21T10:00:00Z', value: 1 }]);
    await rollup.rollUpPending();
    await recordUsage(prisma, [{ ...base, time: '2026-11-21T10:10:00Z', value: 2 }]);

    // Hold the hour's usage_hourly row, so the roll-up stops inside its transaction: mark claimed (locked),
    // the recompute waiting to write.
    const holder = new Client({ connectionString: config.database.url });
    const ingest = new Client({ connectionString: config.database.url });
    await Promise.all([holder.connect(), ingest.connect()]);
    try {
      await holder.query('BEGIN');
      await holder.query(
        `SELECT 1 FROM usage_hourly WHERE deployment_id = $1 AND dimension = 'ingress_bytes' FOR UPDATE`,
        [deploymentId],
      );
      const running = rollup.rollUpPending();
      await waitForLockWaiters(prisma, 1);

      // Ingest commits a late event for that hour now: its mark waits for the roll-up's lock.
      await ingest.query('BEGIN');
      await ingest.query(
        `INSERT INTO usage_events (source, event_id, org_id, deployment_id, dimension, value, time, hour)
         VALUES ('/late', 'late-1', $1, $2, 'ingress_bytes', 4, '2026-11-21T10:20:00Z', '2026-11-21T10:00:00Z')`,
        [orgId, deploymentId],
      );
      const marking = ingest.query(
        `INSERT INTO usage_pending_hours (org_id, deployment_id, dimension, hour)
         VALUES ($1, $2, 'ingress_bytes', '2026-11-21T10:00:00Z')
         ON CONFLICT (deployment_id, dimension, hour) DO UPDATE SET marked_at = now()`,
        [orgId, deploymentId],
      );
      await waitForLockWaiters(prisma, 2);

      await holder.query('COMMIT');
      expect(await running).toEqual({ hours: 1, events: 2 });
      await marking;
      await ingest.query('COMMIT');

      // The roll-up did not see the uncommitted event, and its hour is marked again.
      expect((await hourly(deploymentId, 'ingress_bytes', '2026-11-21T10:00:00Z'))?.quantity.toString()).toBe(
        '3',
      );
      expect(await pendingHourCount(prisma)).toBe(1);
      expect(await rollup.rollUpPending()).toEqual({ hours: 1, events: 3 });
      expect((await hourly(deploymentId, 'ingress_bytes', '2026-11-21T10:00:00Z'))?.quantity.toString()).toBe(
        '7',
      );
    } finally {
      await holder.end();
      await ingest.end();
    }
  });

  it('two roll-ups at once share the pending hours: each hour once, totals exact', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma, 3);
    const events: UsageEventInput[] = [];
    const start = Date.parse('2026-11-01T00:00:00Z');
    for (const deploymentId of deploymentIds) {
      for (let i = 0; i < 400; i++) {
        const time = new Date(start + i * 7 * 60_000 + 1234); // every 7 minutes: ~47 hours
        events.push(
          { orgId, deploymentId, dimension: 'ingress_bytes', time, value: `${i}.5` },
          { orgId, deploymentId, dimension: TEST_GAUGE_MAX, time, value: (i * 37) % 101 },
          { orgId, deploymentId, dimension: TEST_GAUGE_LATEST, time, value: i },
          { orgId, deploymentId, dimension: 'connected_assets', time, value: 1, key: `dev-${i % 13}` },
        );
      }
    }
    await recordUsage(prisma, events);
    const pending = await pendingHourCount(prisma);
    expect(pending).toBeGreaterThan(500);

    const results = await Promise.all([
      rollup.rollUpPending({ batchSize: 25, concurrency: 1 }),
      rollup.rollUpPending({ batchSize: 25, concurrency: 3 }),
    ]);
    // Disjoint: an hour rolled up by both would have its events counted twice.
    expect(results[0].hours + results[1].hours).toBe(pending);
    expect(results[0].events + results[1].events).toBe(events.length);
    expect(await pendingHourCount(prisma)).toBe(0);
    const expected = await expectedHourlyTotals(prisma, { orgId });
    expect(expected.size).toBe(pending);
    expect(sorted(await rolledUpTotals(prisma, { orgId }))).toEqual(sorted(expected));
  });

  it('stops at `limit`, and leaves marks made after it started for the next run', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma);
    const base = { orgId, deploymentId: deploymentIds[0], dimension: 'pipeline_hours', value: 1 };
    await recordUsage(
      prisma,
      Array.from({ length: 7 }, (_, i) => ({ ...base, time: new Date(Date.UTC(2026, 10, 3, i, 30)) })),
    );
    expect(await rollup.rollUpPending({ limit: 5, batchSize: 2 })).toEqual({ hours: 5, events: 5 });
    expect(await pendingHourCount(prisma)).toBe(2);

    // A mark whose time is after the run's start (ingest committing right now) waits for the next run.
    await prisma.$executeRaw`UPDATE usage_pending_hours SET marked_at = now() + interval '1 hour'`;
    expect(await rollup.rollUpPending()).toEqual({ hours: 0, events: 0 });
    await prisma.$executeRaw`UPDATE usage_pending_hours SET marked_at = now() - interval '1 second'`;
    expect(await rollup.rollUpPending()).toEqual({ hours: 2, events: 2 });
    expect(
      await prisma.usageHourly.count({
        where: { deploymentId: deploymentIds[0], dimension: 'pipeline_hours' },
      }),
    ).toBe(7);
  });
});

/**
 * Waits until `count` sessions of this database wait on a lock. Read outside any transaction: within one,
 * PostgreSQL keeps showing the pg_stat_activity snapshot taken at its first read.
 */
async function waitForLockWaiters(prisma: PrismaService, count: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`;
    if (n >= count) return;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${count} session(s) to wait on a lock`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

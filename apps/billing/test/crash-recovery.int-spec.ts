import { Logger } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  addTestGaugeMeters,
  expectedHourlyTotals,
  makeOrgWithDeployments,
  pendingHourCount,
  recordUsage,
  rolledUpTotals,
  RollupService,
  sorted,
  TEST_GAUGE_LATEST,
  TEST_GAUGE_MAX,
  type UsageEventInput,
} from '@streamplane/billing';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { Client } from 'pg';

// The billing worker as an operator runs it: its own process, killed for real in the middle of a roll-up.
const ROOT = path.resolve(__dirname, '../../..');
const MAIN = 'apps/billing/src/main.ts';

jest.setTimeout(120_000);

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
}

describe('billing worker process: SIGKILL in the middle of a roll-up', () => {
  let config: AppConfig;
  let prisma: PrismaService;
  const children: ChildProcess[] = [];
  // Queues of its own, apart from other test files of this jest worker.
  const keyPrefix = `${process.env.REDIS_KEY_PREFIX}billing-crash:`;

  function startWorker(): WorkerProcess {
    let output = '';
    const child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: process.env.REDIS_URL,
        REDIS_KEY_PREFIX: keyPrefix,
        AUTH_SECRET: process.env.AUTH_SECRET,
        CREDENTIALS_ENCRYPTION_KEYS: process.env.CREDENTIALS_ENCRYPTION_KEYS,
        LOG_LEVEL: 'info',
        // Its /healthz, /readyz and /metrics on any free port: never clashes with a worker already running here.
        PORT: '0',
        // Small batches, one at a time, every second: many transactions, so the kill lands between
        // committed ones and pending ones.
        BILLING_ROLLUP_INTERVAL_SECONDS: '1',
        BILLING_ROLLUP_BATCH_SIZE: '40',
        BILLING_ROLLUP_CONCURRENCY: '1',
        BILLING_SHUTDOWN_TIMEOUT_SECONDS: '15',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.push(child);
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    return { child, output: () => output };
  }

  async function ready(worker: WorkerProcess): Promise<void> {
    await waitFor(
      'the worker to take jobs',
      () => Promise.resolve(worker.output().includes('Billing worker taking jobs')),
      60_000,
    ).catch((error: Error) => {
      throw new Error(`${error.message}\n${worker.output()}`);
    });
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    config = loadConfig({ ...process.env, REDIS_KEY_PREFIX: keyPrefix });
    prisma = new PrismaService(config);
    await addTestGaugeMeters(prisma);
  });

  afterAll(async () => {
    for (const child of children)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await prisma?.$disconnect();
  });

  it('counts every hour exactly once after the worker is SIGKILLed inside a roll-up transaction', async () => {
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma, 4);
    const [first] = deploymentIds;
    const start = Date.parse('2026-11-02T00:00:00Z');
    const eventsAt = (hourOffset: number, minute: number, i: number): UsageEventInput[] =>
      deploymentIds.flatMap((deploymentId) => {
        const time = new Date(start + hourOffset * 3_600_000 + minute * 60_000);
        return [
          { orgId, deploymentId, dimension: 'ingress_bytes', time, value: `${i}.125` },
          { orgId, deploymentId, dimension: TEST_GAUGE_MAX, time, value: (i * 31) % 97 },
          { orgId, deploymentId, dimension: TEST_GAUGE_LATEST, time, value: i },
          { orgId, deploymentId, dimension: 'connected_assets', time, value: 1, key: `device-${i % 11}` },
        ];
      });

    // One hour rolled up already; a late event marks it again. Its usage_hourly row is what the test holds
    // below to stop the worker inside the transaction that rewrites it.
    const heldHour = {
      deploymentId: first,
      dimension: 'ingress_bytes',
      hour: new Date(start + 50 * 3_600_000),
    };
    await recordUsage(prisma, [{ orgId, ...heldHour, time: heldHour.hour, value: 1000 }]);
    await new RollupService(config, prisma).rollUpPending();

    // ~100 hours × 4 deployments × 4 dimensions of backlog, with the held hour's mark in the middle of it
    // (marks are rolled up oldest first): older marks are rolled up before the worker reaches it.
    const events: UsageEventInput[] = [];
    for (let h = 0; h < 100; h++) for (let m = 0; m < 60; m += 20) events.push(...eventsAt(h, m, h * 3 + m));
    await recordUsage(prisma, events);
    await prisma.$executeRaw`
      UPDATE usage_pending_hours
      SET marked_at = now() - CASE WHEN hour < ${heldHour.hour} THEN interval '10 minutes' ELSE interval '1 minute' END`;
    await prisma.$executeRaw`
      UPDATE usage_pending_hours SET marked_at = now() - interval '5 minutes'
      WHERE deployment_id = ${first}::uuid AND dimension = 'ingress_bytes' AND hour = ${heldHour.hour}`;
    const pendingAtStart = await pendingHourCount(prisma);
    expect(pendingAtStart).toBe(100 * 4 * 4);

    const holder = new Client({ connectionString: config.database.url });
    await holder.connect();
    let holding = false;
    try {
      await holder.query('BEGIN');
      holding = true;
      await holder.query(
        'SELECT 1 FROM usage_hourly WHERE deployment_id = $1 AND dimension = $2 AND hour = $3 FOR UPDATE',
        [heldHour.deploymentId, heldHour.dimension, heldHour.hour],
      );

      const worker = startWorker();
      await ready(worker);
      // The worker is inside the batch that rewrites the held hour: marks claimed, recompute waiting.
      await waitFor('the roll-up to wait on the held hour', () => lockWaiters(prisma)).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${worker.output()}`);
        },
      );
      const committedBeforeKill = await prisma.usageHourly.count({ where: { orgId } });
      expect(committedBeforeKill).toBeGreaterThan(1); // batches before it were committed
      expect(await pendingHourCount(prisma)).toBeGreaterThan(0); // its own batch (at least) was not

      worker.child.kill('SIGKILL');
      await once(worker.child, 'exit');
      expect(worker.child.signalCode).toBe('SIGKILL');

      // Usage keeps arriving while no worker runs: late events for hours rolled up before the kill.
      const late = eventsAt(0, 59, 7).concat(eventsAt(30, 45, 8));
      await recordUsage(prisma, late);

      // Let the killed worker's session go: its statement ends, it finds its client gone, and PostgreSQL
      // rolls the transaction back. Nothing of it was committed: the held hour keeps its old value.
      await holder.query('COMMIT');
      holding = false;
      await waitFor('the killed session to end', async () => !(await sessionsInTransaction(prisma)));
      const held = await prisma.usageHourly.findUniqueOrThrow({
        where: { deploymentId_dimension_hour: heldHour },
      });
      expect(held.quantity.toString()).toBe('1000');
      expect(held.eventCount).toBe(1);

      const restarted = startWorker();
      await ready(restarted);
      await waitFor(
        'every pending hour to be rolled up',
        async () => (await pendingHourCount(prisma)) === 0,
        60_000,
      ).catch((error: Error) => {
        throw new Error(`${error.message}\n${restarted.output()}`);
      });

      // Exactly once: usage_hourly equals a direct aggregation of every event accepted, late ones included.
      const expected = await expectedHourlyTotals(prisma, { orgId });
      expect(expected.size).toBe(pendingAtStart);
      expect(sorted(await rolledUpTotals(prisma, { orgId }))).toEqual(sorted(expected));
      const [{ events: eventTotal }] = await prisma.$queryRaw<{ events: number }[]>`
        SELECT sum(event_count)::int AS events FROM usage_hourly WHERE org_id = ${orgId}::uuid`;
      expect(eventTotal).toBe(1 + events.length + late.length);

      restarted.child.kill('SIGTERM');
      const [code] = (await once(restarted.child, 'exit')) as [number | null];
      expect(code).toBe(0);
    } finally {
      if (holding) await holder.query('ROLLBACK').catch(() => undefined);
      await holder.end();
    }
  });
});

async function waitFor(what: string, probe: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

// pg_stat_activity is read through Prisma, outside any transaction: within one, PostgreSQL keeps showing the
// snapshot of the activity taken at its first read.

/** Whether a session of this database waits on a lock. */
async function lockWaiters(prisma: PrismaService): Promise<boolean> {
  const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND cardinality(pg_blocking_pids(pid)) > 0`;
  return n > 0;
}

/** Whether another session of this database is inside a transaction (the killed worker's, until it ends). */
async function sessionsInTransaction(prisma: PrismaService): Promise<boolean> {
  const [{ n }] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL`;
  return n > 0;
}

import { Logger } from '@nestjs/common';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { addTestGaugeMeters, makeOrgWithDeployments, recordUsage } from '@streamplane/billing';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { Queue } from 'bullmq';
import { BILLING_QUEUE, billingQueueOptions } from '../src/jobs/billing.jobs';

// The billing worker as an operator runs it (its own process, PORT=0: any free port), scraped over HTTP.
const ROOT = path.resolve(__dirname, '../../..');
const MAIN = 'apps/billing/src/main.ts';

jest.setTimeout(120_000);

/** The value of one series in a Prometheus text scrape, or undefined when it is not there. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('billing worker process: /healthz, /readyz, /metrics', () => {
  const keyPrefix = `${process.env.REDIS_KEY_PREFIX}billing-endpoints:`;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: Queue;
  let child: ChildProcess | undefined;
  let output = '';

  beforeAll(async () => {
    Logger.overrideLogger(false);
    config = loadConfig({ ...process.env, REDIS_KEY_PREFIX: keyPrefix });
    prisma = new PrismaService(config);
    queue = new Queue(BILLING_QUEUE, billingQueueOptions(config));
    await addTestGaugeMeters(prisma);
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await queue?.close();
    await prisma?.$disconnect();
  });

  it('is ready with PostgreSQL, Redis and its worker, and its series move with the work it does', async () => {
    child = spawn(process.execPath, ['-r', '@swc-node/register', MAIN], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.DATABASE_URL,
        REDIS_URL: process.env.REDIS_URL,
        REDIS_KEY_PREFIX: keyPrefix,
        AUTH_SECRET: process.env.AUTH_SECRET,
        CREDENTIALS_ENCRYPTION_KEYS: process.env.CREDENTIALS_ENCRYPTION_KEYS,
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: '0',
        // The schedules' first ticks run at start; the next ones not within this test: it adds its own job.
        BILLING_ROLLUP_INTERVAL_SECONDS: '3600',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));

    const url = await waitFor('the endpoints to be served', () =>
      Promise.resolve(/"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(output)?.[1]),
    );
    const get = async (route: string) => {
      const response = await fetch(`${url}${route}`);
      return { status: response.status, text: await response.text() };
    };
    const scrape = async () => (await get('/metrics')).text;

    expect(await get('/healthz')).toEqual({ status: 200, text: '{"status":"ok"}' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(JSON.parse(ready.text)).toEqual({
      status: 'ready',
      checks: { postgres: 'ok', redis: 'ok', worker: 'ok' },
    });

    // The first tick of every schedule runs at start (each timed); after them nothing rolls up until this
    // test asks (invoices.finalize rolls up too).
    const rollups = '{queue="billing",job="usage.rollup",outcome="completed"}';
    await waitFor('the first tick of every schedule', async () => {
      const text = await scrape();
      const ran = ['usage.rollup', 'invoices.refresh', 'invoices.finalize'].every(
        (job) =>
          (sample(
            text,
            `streamplane_job_duration_seconds_count{queue="billing",job="${job}",outcome="completed"}`,
          ) ?? 0) >= 1,
      );
      return ran ? true : undefined;
    });
    const before = await scrape();
    expect(sample(before, 'streamplane_queue_jobs{queue="billing",state="delayed"}')).toBeGreaterThanOrEqual(
      1,
    );
    expect(sample(before, 'streamplane_queue_jobs{queue="billing",state="waiting"}')).toBeDefined();
    const hoursBefore = sample(before, 'streamplane_billing_rollup_hours_total') ?? 0;
    const rollupsBefore = sample(before, 'streamplane_billing_rollup_duration_seconds_count') ?? 0;

    // Usage marked three hours ago and not rolled up yet: the lag is at least that old.
    const { orgId, deploymentIds } = await makeOrgWithDeployments(prisma, 1);
    const [deploymentId] = deploymentIds;
    const time = new Date(Date.now() - 24 * 3_600_000);
    await recordUsage(prisma, [
      { orgId, deploymentId, dimension: 'ingress_bytes', time, value: 10 },
      { orgId, deploymentId, dimension: 'egress_bytes', time, value: 20 },
    ]);
    await prisma.$executeRaw`
      UPDATE usage_pending_hours SET marked_at = now() - interval '3 hours'
      WHERE deployment_id = ${deploymentId}::uuid`;
    expect(sample(await scrape(), 'streamplane_billing_rollup_lag_seconds')).toBeGreaterThanOrEqual(3 * 3600);

    // A roll-up clears them: the roll-up and its job are counted (once the job ended), and the lag drops.
    await queue.add('usage.rollup', {}, { removeOnComplete: true });
    const after = await waitFor('the roll-up of the marked hours', async () => {
      const text = await scrape();
      const counted = sample(text, `streamplane_job_duration_seconds_count${rollups}`) ?? 0;
      return counted >= 2 ? text : undefined;
    });
    expect(sample(after, 'streamplane_billing_rollup_lag_seconds')).toBeLessThan(3 * 3600);
    expect(sample(after, 'streamplane_billing_rollup_hours_total')).toBeGreaterThanOrEqual(hoursBefore + 2);
    expect(sample(after, 'streamplane_billing_rollup_duration_seconds_count')).toBeGreaterThan(rollupsBefore);
    expect(sample(after, 'streamplane_process_cpu_seconds_total')).toBeGreaterThan(0);

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect({ code, output: code === 0 ? '' : output }).toEqual({ code: 0, output: '' });
  });

  async function waitFor<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    timeoutMs = 60_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe().catch(() => undefined);
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}\n${output}`);
      if (child?.exitCode !== null) throw new Error(`The worker exited (${child?.exitCode})\n${output}`);
      await sleep(50);
    }
  }
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { FileLocalStateStore, LocalStackEngine } from '@streamplane/provisioning';
import { startWorkerEndpoints, type WorkerEndpoints } from '@streamplane/workers';
import { startProvisioner, type Provisioner } from '../src/create-provisioner';
import {
  enqueue,
  makeDeployment,
  makeOrg,
  operationIn,
  testQueue,
  waitFor,
  type TestQueue,
} from './provisioner-fixtures';

jest.setTimeout(60_000);

const CLUSTER = 'azure-native:containerservice:ManagedCluster';

/** The value of one series in a Prometheus text scrape (0 when it is not there yet). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? 0 : Number(line.slice(series.length + 1));
}

// The provisioner as main.ts builds it, its /readyz and /metrics served as runWorkerProcess serves them.
describe('provisioner endpoints and metrics (real queue, PostgreSQL, Redis, local engine)', () => {
  let stateDirectory: string;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: TestQueue;
  let engine: LocalStackEngine;
  let provisioner: Provisioner;
  let endpoints: WorkerEndpoints;

  const get = async (route: string) => {
    const response = await fetch(`${endpoints.url}${route}`);
    return { status: response.status, text: await response.text() };
  };
  const scrape = async () => (await get('/metrics')).text;

  beforeAll(async () => {
    stateDirectory = mkdtempSync(path.join(tmpdir(), 'sp-stacks-'));
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}provisioner-metrics:`,
      LOCAL_ENGINE_STATE_DIR: stateDirectory,
    });
    engine = new LocalStackEngine({ stateStore: new FileLocalStateStore(stateDirectory), latency: () => 0 });
    prisma = new PrismaService(config);
    queue = testQueue(config);
    endpoints = await startWorkerEndpoints({ host: '127.0.0.1', port: 0 });
    provisioner = await startProvisioner(config, { engine });
    endpoints.serve(provisioner.health);
  });

  afterAll(async () => {
    await provisioner?.close();
    await endpoints?.close();
    await queue?.close();
    await prisma?.$disconnect();
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  it('is ready while its worker runs, with PostgreSQL and Redis', async () => {
    const ready = await get('/readyz');
    expect({ status: ready.status, body: JSON.parse(ready.text) }).toEqual({
      status: 200,
      body: { status: 'ready', checks: { postgres: 'ok', redis: 'ok', worker: 'ok' } },
    });
  });

  it('counts operations by type and outcome, times their jobs, and samples the queue', async () => {
    const before = await scrape();
    const succeeded = 'streamplane_operations_total{type="create",outcome="succeeded"}';
    const failed = 'streamplane_operations_total{type="create",outcome="failed"}';
    const completedJobs =
      'streamplane_job_duration_seconds_count{queue="provisioning",job="operation.run",outcome="completed"}';
    const failedJobs =
      'streamplane_job_duration_seconds_count{queue="provisioning",job="operation.run",outcome="failed"}';

    const org = await makeOrg(prisma);
    const good = await makeDeployment(prisma, org);
    await enqueue(queue, { orgId: org.orgId, deploymentId: good.deploymentId }, good.operationId);
    const bad = await makeDeployment(prisma, org);
    engine.injectFailure({
      match: { type: CLUSTER },
      stackName: bad.stackName,
      times: 1,
      message: 'quota exceeded',
    });
    await enqueue(queue, { orgId: org.orgId, deploymentId: bad.deploymentId }, bad.operationId);
    await operationIn(prisma, good.operationId, ['SUCCEEDED', 'FAILED']);
    await operationIn(prisma, bad.operationId, ['SUCCEEDED', 'FAILED']);

    // The job's end (completed or failed) is recorded just after the operation's row changed.
    const after = await waitFor('both jobs to be timed', async () => {
      const text = await scrape();
      const timed = sample(text, completedJobs) - sample(before, completedJobs);
      return timed >= 1 && sample(text, failedJobs) - sample(before, failedJobs) >= 1 ? text : undefined;
    });
    expect(sample(after, succeeded) - sample(before, succeeded)).toBe(1);
    expect(sample(after, failed) - sample(before, failed)).toBe(1);
    for (const state of ['waiting', 'active', 'delayed', 'failed']) {
      expect(after).toMatch(
        new RegExp(`^streamplane_queue_jobs\\{queue="provisioning",state="${state}"\\} \\d+$`, 'm'),
      );
    }
    expect(
      sample(after, 'streamplane_queue_jobs{queue="provisioning",state="failed"}'),
    ).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^streamplane_operations_oldest_running_seconds \d+(\.\d+)?$/m);
  });

  it('exports how long the oldest RUNNING operation has run', async () => {
    const org = await makeOrg(prisma);
    const { operationId } = await makeDeployment(prisma, org);
    // A run that began two hours ago and is still going (its row, as a worker that died would leave it).
    await prisma.operation.update({
      where: { id: operationId },
      data: { status: 'RUNNING', startedAt: new Date(Date.now() - 2 * 3_600_000) },
    });
    try {
      expect(sample(await scrape(), 'streamplane_operations_oldest_running_seconds')).toBeGreaterThanOrEqual(
        7200,
      );
    } finally {
      await prisma.operation.update({
        where: { id: operationId },
        data: { status: 'CANCELLED', active: null, finishedAt: new Date() },
      });
    }
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadConfig, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import {
  DeploymentLocks,
  OperationRunner,
  type DeploymentEvent,
  type ResourceProgress,
} from '@streamplane/deployments';
import { FileLocalStateStore, LocalStackEngine } from '@streamplane/provisioning';
import { startProvisioner, type Provisioner } from '../src/create-provisioner';
import {
  addOperation,
  enqueue,
  listen,
  makeDeployment,
  makeOrg,
  makeSpec,
  operationIn,
  testQueue,
  waitFor,
  type TestQueue,
} from './provisioner-fixtures';

jest.setTimeout(60_000);

const CLUSTER = 'azure-native:containerservice:ManagedCluster';

describe('provisioner (real queue, PostgreSQL, Redis, local engine)', () => {
  let stateDirectory: string;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: TestQueue;
  let provisioner: Provisioner;
  let engine: LocalStackEngine;
  let store: FileLocalStateStore;
  /** Per-resource latency in ms; tests that need a run to be in flight raise it. */
  let latencyMs = 0;

  beforeAll(async () => {
    stateDirectory = mkdtempSync(path.join(tmpdir(), 'sp-stacks-'));
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}provisioner:`,
      LOCAL_ENGINE_STATE_DIR: stateDirectory,
      PROVISIONER_CANCEL_POLL_MS: '50',
      PROVISIONER_LOCK_RETRY_MS: '100',
      PROVISIONER_CONCURRENCY: '4',
    });
    store = new FileLocalStateStore(stateDirectory);
    engine = new LocalStackEngine({ stateStore: store, latency: () => latencyMs });
    prisma = new PrismaService(config);
    queue = testQueue(config);
    provisioner = await startProvisioner(config, { engine });
  });

  afterAll(async () => {
    await provisioner?.close();
    await queue?.close();
    await prisma?.$disconnect();
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  afterEach(() => {
    latencyMs = 0;
    engine.clearFailures();
  });

  it('creates, scales and destroys a deployment, with its events in order in PostgreSQL and on Redis', async () => {
    const org = await makeOrg(prisma);
    const live = await listen(config, org.orgId);
    try {
      const spec = makeSpec();
      const created = await makeDeployment(prisma, org, spec);
      const target = { orgId: org.orgId, deploymentId: created.deploymentId };
      await enqueue(queue, target, created.operationId);

      const create = await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED']);
      expect(create).toMatchObject({ status: 'SUCCEEDED', active: null, errorCode: null });
      expect(create.startedAt).not.toBeNull();
      expect(create.finishedAt).not.toBeNull();
      let deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } });
      expect(deployment).toMatchObject({ status: 'RUNNING', generation: 1, observedGeneration: 1 });
      const outputs = deployment.outputs as Record<string, unknown>;
      expect(outputs).toMatchObject({
        clusterName: expect.any(String),
        bootstrapInternal: expect.stringMatching(/:\d+$/),
        grafanaUrl: expect.any(String),
      });
      expect(outputs.kubeconfig ?? null).toBeNull(); // secret outputs are never stored

      // Every event stored, numbered 1..n without gaps, in the order the engine reported them.
      const stored = await prisma.resourceEvent.findMany({
        where: { operationId: created.operationId },
        orderBy: { sequence: 'asc' },
      });
      expect(stored.length).toBeGreaterThan(10);
      expect(stored.map((e) => e.sequence)).toEqual(stored.map((_, i) => i + 1));
      expect(stored.some((e) => e.type === CLUSTER && e.state === 'succeeded')).toBe(true);
      for (const e of stored)
        expect(e).toMatchObject({ orgId: org.orgId, deploymentId: created.deploymentId });

      // The same events published, in order, after the operation started and before it succeeded.
      await waitFor('the SUCCEEDED notification', () =>
        Promise.resolve(live.events.some((e) => e.kind === 'OPERATION' && e.status === 'SUCCEEDED')),
      );
      const published = live.events.filter((e): e is ResourceProgress => e.kind === 'RESOURCE');
      expect(published.map((e) => e.sequence)).toEqual(stored.map((e) => e.sequence));
      expect(summary(live.events)).toEqual([
        'OPERATION RUNNING',
        'DEPLOYMENT_STATUS PROVISIONING',
        'RESOURCE',
        'OPERATION SUCCEEDED',
        'DEPLOYMENT_STATUS RUNNING',
      ]);
      const resourcesAfterCreate = (await store.read(created.stackName))!.resources.length;

      // Scale: generation 2 → observed 2, more brokers, the same stack.
      const scaled = makeSpec({ ...spec, brokers: 6 });
      const scaleId = await addOperation(prisma, target, 'SCALE', scaled, 2);
      await enqueue(queue, target, scaleId);
      expect(await operationIn(prisma, scaleId, ['SUCCEEDED', 'FAILED'])).toMatchObject({
        status: 'SUCCEEDED',
      });
      deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } });
      expect(deployment).toMatchObject({ status: 'RUNNING', generation: 2, observedGeneration: 2 });
      const afterScale = await store.read(created.stackName);
      expect(afterScale!.resources.length).toBeGreaterThanOrEqual(resourcesAfterCreate);

      // Destroy → DESTROYED, nothing left in the stack.
      const destroyId = await addOperation(prisma, target, 'DESTROY', scaled, 2);
      await enqueue(queue, target, destroyId);
      expect(await operationIn(prisma, destroyId, ['SUCCEEDED', 'FAILED'])).toMatchObject({
        status: 'SUCCEEDED',
      });
      deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } });
      expect(deployment.status).toBe('DESTROYED');
      expect(deployment.destroyedAt).not.toBeNull();
      expect(deployment.outputs).toEqual({});
      expect((await store.read(created.stackName))!.resources).toEqual([]);
    } finally {
      live.close();
    }
  });

  it('marks an operation FAILED on a permanent failure, and a new attempt brings the deployment up', async () => {
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org);
    const target = { orgId: org.orgId, deploymentId: created.deploymentId };
    engine.injectFailure({
      match: { type: CLUSTER },
      stackName: created.stackName,
      times: 1,
      message: 'quota exceeded',
    });
    await enqueue(queue, target, created.operationId);

    const failed = await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED']);
    expect(failed).toMatchObject({ status: 'FAILED', errorCode: 'RESOURCE_FAILED', active: null });
    expect(failed.errorMessage).toContain('quota exceeded');
    let deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } });
    expect(deployment.status).toBe('FAILED');
    expect(deployment.statusMessage).toContain('quota exceeded');
    // Not retried by the queue: a permanent failure fails the job at once.
    const job = await waitFor('the job to fail', async () => {
      const found = await queue.getJob(`operation-${created.operationId}`);
      // Read again once failed: the first read may predate the failure (attemptsMade still 0).
      return (await found?.getState()) === 'failed'
        ? queue.getJob(`operation-${created.operationId}`)
        : undefined;
    });
    expect(job.attemptsMade).toBe(1);
    const failedEvents = await prisma.resourceEvent.count({
      where: { operationId: created.operationId, state: 'failed' },
    });
    expect(failedEvents).toBeGreaterThanOrEqual(1);

    // The user retries: a new operation row (attempt 2), as the api writes it.
    const retryId = await addOperation(prisma, target, 'CREATE', makeSpec(deployment.spec as never), 1, {
      attempt: 2,
      retryOfId: created.operationId,
    });
    await enqueue(queue, target, retryId);
    expect(await operationIn(prisma, retryId, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'SUCCEEDED',
    });
    deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } });
    expect(deployment).toMatchObject({ status: 'RUNNING', observedGeneration: 1, statusMessage: null });
  });

  it('retries a transient failure with backoff, continuing the event sequence', async () => {
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org);
    const target = { orgId: org.orgId, deploymentId: created.deploymentId };
    engine.injectFailure({
      match: { afterResources: 3 },
      stackName: created.stackName,
      times: 1,
      transient: true,
      message: 'throttled',
    });
    await enqueue(queue, target, created.operationId);

    const done = await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED']);
    expect(done).toMatchObject({ status: 'SUCCEEDED', errorCode: null });
    const job = await waitFor('the job to complete', async () => {
      const found = await queue.getJob(`operation-${created.operationId}`);
      return (await found?.getState()) === 'completed' ? found : undefined;
    });
    // The first attempt failed (the job kept its reason), the retry finished the run.
    expect((job.stacktrace?.length ?? 0) + (job.failedReason ? 1 : 0)).toBeGreaterThanOrEqual(1);
    const states = (
      await prisma.resourceEvent.findMany({
        where: { operationId: created.operationId },
        orderBy: { sequence: 'asc' },
      })
    ).map((e) => e.state);
    expect(states).toContain('failed');
    expect(states.lastIndexOf('succeeded')).toBeGreaterThan(states.indexOf('failed'));
    const sequences = (
      await prisma.resourceEvent.findMany({
        where: { operationId: created.operationId },
        orderBy: { sequence: 'asc' },
      })
    ).map((e) => e.sequence);
    expect(sequences).toEqual(sequences.map((_, i) => i + 1));
    expect(await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } })).toMatchObject({
      status: 'RUNNING',
      observedGeneration: 1,
    });
  });

  it('cancels a running operation at a safe point when cancellation is requested', async () => {
    latencyMs = 100;
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org);
    const target = { orgId: org.orgId, deploymentId: created.deploymentId };
    await enqueue(queue, target, created.operationId);
    await waitFor('the first resource to be created', () =>
      prisma.resourceEvent.count({ where: { operationId: created.operationId, state: 'succeeded' } }),
    );
    await prisma.operation.update({
      where: { id: created.operationId },
      data: { cancelRequestedAt: new Date() },
    });

    const cancelled = await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED', 'CANCELLED']);
    expect(cancelled).toMatchObject({ status: 'CANCELLED', errorCode: 'CANCELLED', active: null });
    const deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: created.deploymentId } });
    expect(deployment.status).toBe('FAILED');
    expect(deployment.statusMessage).toContain('cancelled');
    expect(deployment.observedGeneration).toBe(0);
    // The stack was left consistent: unlocked, nothing pending, fewer resources than a full run.
    const state = await store.read(created.stackName);
    expect(state!.pendingOperations).toEqual([]);
  });

  it('never runs two operations of one deployment at once', async () => {
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org);
    const target = { orgId: org.orgId, deploymentId: created.deploymentId };

    // Another run (here: the test) holds the deployment's lock: the job waits, the operation stays QUEUED.
    const locks = new DeploymentLocks(config.database.url);
    const held = await locks.tryAcquire(created.deploymentId);
    expect(held).toBeDefined();
    expect(await locks.tryAcquire(created.deploymentId)).toBeUndefined();
    await enqueue(queue, target, created.operationId);
    await waitFor('the job to be deferred', async () =>
      (await queue.getJob(`operation-${created.operationId}`))?.isDelayed(),
    );
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect((await prisma.operation.findUniqueOrThrow({ where: { id: created.operationId } })).status).toBe(
      'QUEUED',
    );
    await held!.release();
    expect(await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'SUCCEEDED',
    });

    // Two runners racing for the same deployment's operation (two workers, one stalled job): one runs it,
    // the other waits or finds it done; the stack was changed by one run only.
    latencyMs = 20;
    const scaleId = await addOperation(prisma, target, 'SCALE', makeSpec({ brokers: 4 }), 2);
    const runner = provisioner.app.get(OperationRunner);
    const payload = { ...target, operationId: scaleId };
    const context = { attemptsMade: 0, attempts: 1 };
    const outcomes = await Promise.all([runner.run(payload, context), runner.run(payload, context)]);
    const kinds = outcomes.map((o) => (o.kind === 'done' ? `${o.kind}:${o.status}` : o.kind)).sort();
    expect(kinds).toEqual(expect.arrayContaining(['done:SUCCEEDED']));
    expect(kinds.filter((k) => k === 'done:SUCCEEDED')).toHaveLength(1);
    expect(kinds.every((k) => ['done:SUCCEEDED', 'deferred', 'done:SKIPPED'].includes(k))).toBe(true);
    const started = await prisma.resourceEvent.count({ where: { operationId: scaleId, sequence: 1 } });
    expect(started).toBe(1);
  });

  it('skips an operation that has already finished (a duplicate delivery)', async () => {
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org);
    const runner = provisioner.app.get(OperationRunner);
    const payload = {
      orgId: org.orgId,
      deploymentId: created.deploymentId,
      operationId: created.operationId,
    };
    expect(await runner.run(payload, { attemptsMade: 0, attempts: 1 })).toMatchObject({
      status: 'SUCCEEDED',
    });
    const events = await prisma.resourceEvent.count({ where: { operationId: created.operationId } });
    expect(await runner.run(payload, { attemptsMade: 0, attempts: 1 })).toMatchObject({ status: 'SKIPPED' });
    expect(await prisma.resourceEvent.count({ where: { operationId: created.operationId } })).toBe(events);
    // Another organization's id for the same operation finds nothing.
    const other = await makeOrg(prisma);
    expect(
      await runner.run({ ...payload, orgId: other.orgId }, { attemptsMade: 0, attempts: 1 }),
    ).toMatchObject({
      kind: 'unrecoverable',
    });
  });
});

/** The notifications in order, consecutive RESOURCE events folded into one. */
function summary(events: DeploymentEvent[]): string[] {
  const lines: string[] = [];
  for (const event of events) {
    const line =
      event.kind === 'RESOURCE'
        ? 'RESOURCE'
        : `${event.kind} ${event.kind === 'OPERATION' ? event.status : event.status}`;
    if (lines[lines.length - 1] !== line || line !== 'RESOURCE') lines.push(line);
  }
  return lines;
}

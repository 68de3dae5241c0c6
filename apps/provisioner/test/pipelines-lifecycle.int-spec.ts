import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Principal } from '@streamplane/auth';
import { ConfigModule, loadConfig, type AppConfig } from '@streamplane/config';
import { DbModule, PrismaService } from '@streamplane/db';
import { DeploymentsService } from '@streamplane/deployments';
import { DomainError } from '@streamplane/errors';
import type { ProgramInput } from '@streamplane/infra';
import { PipelinesModule, PipelinesService } from '@streamplane/pipelines';
import {
  FileLocalStateStore,
  LocalStackEngine,
  type StackEngine,
  type StackRequest,
} from '@streamplane/provisioning';
import { startProvisioner, type Provisioner } from '../src/create-provisioner';
import {
  addOperation,
  enqueue,
  makeDeployment,
  makeOrg,
  makeSpec,
  operationIn,
  testQueue,
  waitFor,
  type TestQueue,
} from './provisioner-fixtures';

jest.setTimeout(180_000);

const TOPIC = 'kubernetes:kafka.strimzi.io/v1:KafkaTopic';
const USER = 'kubernetes:kafka.strimzi.io/v1:KafkaUser';
const CONNECTION_STRING = 'postgresql://writer:s3cret-pw@db.internal:5432/plant';

/** The local engine running the real infra program, remembering the program input of each run. */
class RecordingEngine implements StackEngine {
  readonly kind = 'local' as const;
  readonly simulated = true;
  readonly inputs: { operation: 'up' | 'destroy' | 'preview'; input: ProgramInput }[] = [];
  constructor(readonly inner: LocalStackEngine) {}
  preview(request: StackRequest) {
    this.inputs.push({ operation: 'preview', input: request.input });
    return this.inner.preview(request);
  }
  up(request: StackRequest) {
    this.inputs.push({ operation: 'up', input: request.input });
    return this.inner.up(request);
  }
  destroy(request: StackRequest) {
    this.inputs.push({ operation: 'destroy', input: request.input });
    return this.inner.destroy(request);
  }
  refresh(request: StackRequest) {
    return this.inner.refresh(request);
  }
  get lastUp(): ProgramInput {
    const ups = this.inputs.filter((i) => i.operation === 'up');
    return ups[ups.length - 1].input;
  }
}

/** MQTT in, a validation with a dead-letter topic, PostgreSQL out. */
function pipelineSpec(name: string, extra: Record<string, unknown>[] = []) {
  return {
    name,
    topics: { partitions: 3, retentionHours: 24, cleanupPolicy: 'delete' },
    stages: [
      {
        name: 'ingest',
        kind: 'source.mqtt',
        options: { brokerUrl: 'mqtts://broker.plant:8883', topicFilter: 'plant/+/telemetry' },
      },
      {
        name: 'check',
        kind: 'transform.validate',
        options: { schema: { type: 'object', required: ['deviceId'] }, onInvalid: 'dead-letter' },
      },
      ...extra,
      {
        name: 'store',
        kind: 'sink.postgres',
        options: { connectionString: CONNECTION_STRING, table: 'telemetry' },
      },
    ],
  };
}

describe('pipelines through the real queue on the local engine', () => {
  let stateDirectory: string;
  let config: AppConfig;
  let prisma: PrismaService;
  let queue: TestQueue;
  let provisioner: Provisioner;
  let engine: RecordingEngine;
  let api: INestApplicationContext;
  let pipelines: PipelinesService;

  beforeAll(async () => {
    stateDirectory = mkdtempSync(path.join(tmpdir(), 'sp-pipelines-'));
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}pipelines:`,
      LOCAL_ENGINE_STATE_DIR: stateDirectory,
      PROVISIONER_LOCK_RETRY_MS: '100',
    });
    engine = new RecordingEngine(
      new LocalStackEngine({ stateStore: new FileLocalStateStore(stateDirectory), latency: 0 }),
    );
    prisma = new PrismaService(config);
    queue = testQueue(config);
    provisioner = await startProvisioner(config, { engine });
    // The api's side: the service that accepts pipeline changes and enqueues their operations.
    api = await NestFactory.createApplicationContext(
      {
        module: class PipelinesApi {},
        imports: [ConfigModule.forRoot(config), DbModule, PipelinesModule],
      },
      { logger: false },
    );
    await api.init();
    pipelines = api.get(PipelinesService);
  });

  afterAll(async () => {
    await api?.close();
    await provisioner?.close();
    await queue?.close();
    await prisma?.$disconnect();
    rmSync(stateDirectory, { recursive: true, force: true });
  });

  async function runningDeployment() {
    const org = await makeOrg(prisma);
    const created = await makeDeployment(prisma, org, makeSpec());
    await enqueue(queue, { orgId: org.orgId, deploymentId: created.deploymentId }, created.operationId);
    expect(await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'SUCCEEDED',
    });
    const principal: Principal = { type: 'USER', userId: randomUUID(), orgId: org.orgId, role: 'MEMBER' };
    return { org, principal, deploymentId: created.deploymentId };
  }

  async function settled(pipelineId: string, statuses: string[]) {
    return waitFor(
      `pipeline ${pipelineId} to be ${statuses.join('|')}`,
      async () => {
        const row = await prisma.pipeline.findUniqueOrThrow({ where: { id: pipelineId } });
        return statuses.includes(row.status) ? row : undefined;
      },
      60_000,
    );
  }

  /** `[name, operation]` of the operation's finished steps on resources of `type`, sorted. */
  async function finishedSteps(operationId: string, type: string): Promise<[string, string][]> {
    const events = await prisma.resourceEvent.findMany({
      where: { operationId, type, state: 'succeeded' },
      select: { name: true, operation: true },
    });
    return events.map((e): [string, string] => [e.name, e.operation]).sort();
  }

  async function resourceTypes(operationId: string): Promise<string[]> {
    const events = await prisma.resourceEvent.findMany({ where: { operationId }, select: { type: true } });
    return [...new Set(events.map((e) => e.type))];
  }

  it('creates, deploys, pauses, updates and deletes a pipeline; the deployment stays RUNNING throughout', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const before = await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });

    // create → deploy: a PIPELINE operation on the deployment's queue.
    const created = await pipelines.create(principal, {
      deploymentId,
      spec: pipelineSpec('telemetry'),
      deploy: true,
    });
    expect(created.pipeline).toMatchObject({ status: 'DEPLOYING', generation: 1, appliedSpec: null });
    expect(created.operation).toMatchObject({ type: 'PIPELINE', pipelineId: created.pipeline.id });
    // The secret is sealed at rest, never stored in the clear.
    expect(JSON.stringify(created.pipeline.spec)).not.toContain('s3cret-pw');

    const deployOp = await operationIn(prisma, created.operation!.id, ['SUCCEEDED', 'FAILED']);
    expect(deployOp).toMatchObject({ status: 'SUCCEEDED', errorMessage: null });
    let pipeline = await settled(created.pipeline.id, ['RUNNING', 'FAILED']);
    expect(pipeline).toMatchObject({ status: 'RUNNING', appliedGeneration: 1, appliedState: 'ACTIVE' });
    const during = await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(during).toMatchObject({ status: 'RUNNING', generation: before.generation });

    // The run put the pipeline on the stack: its topics, users and runners exist.
    const types = await resourceTypes(deployOp.id);
    expect(types).toEqual(expect.arrayContaining([TOPIC, USER]));
    const workload = engine.lastUp.pipelines?.find((p) => p.id === created.pipeline.id);
    expect(workload).toMatchObject({
      name: 'telemetry',
      paused: false,
      topics: [
        // Kept in the cluster when the pipeline goes, unless its delete asks for them (Pulumi retainOnDelete).
        {
          topicName: 'telemetry.ingest',
          partitions: 3,
          replicas: 3,
          retentionMs: 24 * 3600_000,
          retainOnDelete: true,
        },
        { topicName: 'telemetry.check' },
        { topicName: 'telemetry.check.dlq' },
      ],
    });
    const sink = workload!.stages.find((s) => s.name === 'store')!;
    expect(sink).toMatchObject({
      inputTopic: 'telemetry.check',
      consumerGroup: 'sp-telemetry-store',
      readTopics: ['telemetry.check'],
      writeTopics: [],
      scaling: { minReplicas: 1, maxReplicas: 3, lagThreshold: 1000 },
    });
    // The runner gets the opened secret through its Secret, the config only names the variable.
    expect(Object.values(sink.secretEnv ?? {})).toEqual([CONNECTION_STRING]);
    expect(JSON.stringify(sink.config)).not.toContain('s3cret-pw');

    // Another run of the deployment's stack (an update of the deployment) carries the pipeline as applied.
    const spec = (await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).spec as never;
    const update = await addOperation(prisma, { orgId: principal.orgId, deploymentId }, 'UPDATE', spec, 2);
    await enqueue(queue, { orgId: principal.orgId, deploymentId }, update);
    expect(await operationIn(prisma, update, ['SUCCEEDED', 'FAILED'])).toMatchObject({ status: 'SUCCEEDED' });
    expect(engine.lastUp.pipelines?.map((p) => p.name)).toEqual(['telemetry']);

    // pause → PAUSED: the runners scale to zero, topics and users stay.
    const paused = await pipelines.pause(principal, created.pipeline.id);
    expect(paused.pipeline.status).toBe('PAUSING');
    await operationIn(prisma, paused.operation!.id, ['SUCCEEDED', 'FAILED']);
    pipeline = await settled(created.pipeline.id, ['PAUSED', 'FAILED']);
    expect(pipeline).toMatchObject({ status: 'PAUSED', appliedState: 'PAUSED' });
    expect(engine.lastUp.pipelines?.[0]).toMatchObject({ paused: true });

    // update (a dedupe stage more, the secret kept by `{ set: true }`) while paused: stays paused.
    const next = pipelineSpec('telemetry', [
      { name: 'dedupe', kind: 'transform.dedupe', options: { keyField: 'messageId', windowSeconds: 300 } },
    ]);
    (next.stages[next.stages.length - 1].options as Record<string, unknown>).connectionString = { set: true };
    const updated = await pipelines.update(principal, created.pipeline.id, next);
    expect(updated.pipeline).toMatchObject({ status: 'UPDATING', generation: 2 });
    await operationIn(prisma, updated.operation!.id, ['SUCCEEDED', 'FAILED']);
    pipeline = await settled(created.pipeline.id, ['PAUSED', 'FAILED']);
    expect(pipeline).toMatchObject({ status: 'PAUSED', appliedGeneration: 2 });
    const rolled = engine.lastUp.pipelines![0];
    expect(rolled.stages.map((s) => s.name)).toEqual(['ingest', 'check', 'dedupe', 'store']);
    expect(rolled.topics.map((t) => t.topicName)).toContain('telemetry.dedupe');
    expect(Object.values(rolled.stages.find((s) => s.name === 'store')!.secretEnv ?? {})).toEqual([
      CONNECTION_STRING,
    ]);

    // delete (topics kept): the pipeline leaves the stack; its name is free again.
    const deleted = await pipelines.delete(principal, created.pipeline.id, false);
    expect(deleted.pipeline.status).toBe('DELETING');
    await operationIn(prisma, deleted.operation!.id, ['SUCCEEDED', 'FAILED']);
    pipeline = await settled(created.pipeline.id, ['DELETED', 'FAILED']);
    expect(pipeline).toMatchObject({ status: 'DELETED', live: null, deleteTopics: false });
    expect(engine.lastUp.pipelines ?? []).toEqual([]);
    const deleteTypes = await prisma.resourceEvent.findMany({
      where: { operationId: deleted.operation!.id, type: USER },
      select: { operation: true },
    });
    expect(deleteTypes.map((e) => e.operation)).toContain('delete');
    // Its topics were retained (dropped from the stack's state, kept in the cluster), never deleted.
    const topicSteps = await finishedSteps(deleted.operation!.id, TOPIC);
    expect(topicSteps.map(([, operation]) => operation)).toEqual(['retain', 'retain', 'retain', 'retain']);
    expect(
      await prisma.resourceEvent.count({
        where: { operationId: deleted.operation!.id, type: TOPIC, operation: 'delete' },
      }),
    ).toBe(0);
    expect(await pipelines.list(principal, deploymentId)).toEqual([]);
    const again = await pipelines.create(principal, { deploymentId, spec: pipelineSpec('telemetry') });
    expect(again.pipeline).toMatchObject({ status: 'DRAFT', name: 'telemetry' });
    expect(again.operation).toBeNull();

    // Every PIPELINE operation left the deployment's status and generation alone.
    const after = await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
    expect(after).toMatchObject({ status: 'RUNNING', generation: 2 });
    const audit = await prisma.auditLog.findMany({
      where: { orgId: principal.orgId, targetId: created.pipeline.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'pipeline.create',
      'pipeline.pause',
      'pipeline.update',
      'pipeline.delete',
    ]);
  });

  it('deletes a pipeline with its topics in two operations: the stages first, then the released topics', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const stackName = `dep-${deploymentId}`;
    const created = await pipelines.create(principal, {
      deploymentId,
      spec: pipelineSpec('purge'),
      deploy: true,
    });
    const id = created.pipeline.id;
    await operationIn(prisma, created.operation!.id, ['SUCCEEDED', 'FAILED']);
    await settled(id, ['RUNNING']);

    // The first run of the delete: stages go, topics stay on the stack, released (no longer retained).
    const deleted = await pipelines.delete(principal, id, true);
    expect(deleted.pipeline).toMatchObject({ status: 'DELETING', deleteTopics: true });
    expect(deleted.operation!.input).toMatchObject({
      action: 'delete',
      desiredState: 'DELETED',
      deleteTopics: true,
      phase: 'PREPARE',
    });
    // The second run's topic deletes fail once: the pipeline ends FAILED, and is resumed at the second run.
    const removeFailure = engine.inner.injectFailure({
      match: { type: TOPIC },
      stackName,
      message: 'the topic operator is busy',
      times: 1,
    });
    try {
      const prepare = await operationIn(prisma, deleted.operation!.id, ['SUCCEEDED', 'FAILED']);
      expect(prepare).toMatchObject({ status: 'SUCCEEDED', pipelineId: id });
      const prepared = engine.inputs
        .filter((run) => run.operation === 'up')
        .map((run) => run.input.pipelines?.find((p) => p.id === id))
        .find((workload) => workload?.stages.length === 0);
      expect(prepared?.topics.map((t) => [t.topicName, t.retainOnDelete])).toEqual([
        ['purge.ingest', false],
        ['purge.check', false],
        ['purge.check.dlq', false],
      ]);
      const stageUsers = (await finishedSteps(prepare.id, USER)).filter(([name]) => name.includes('-purge/'));
      expect(stageUsers.map(([name, op]) => [name.split('/')[1], op])).toEqual([
        ['check-user', 'delete'],
        ['ingest-user', 'delete'],
        ['store-user', 'delete'],
      ]);
      expect((await finishedSteps(prepare.id, TOPIC)).map(([, op]) => op)).toEqual(['same', 'same', 'same']);

      // settle queued the second run (same requester, audited as the system's step); it failed.
      const remove = await waitFor('the REMOVE operation', () =>
        prisma.operation.findFirst({
          where: { pipelineId: id, input: { path: ['phase'], equals: 'REMOVE' } },
        }),
      );
      expect(remove).toMatchObject({
        type: 'PIPELINE',
        requestedByType: 'USER',
        requestedById: principal.type === 'USER' ? principal.userId : null,
      });
      expect(await operationIn(prisma, remove.id, ['SUCCEEDED', 'FAILED'])).toMatchObject({
        status: 'FAILED',
      });
      const failed = await settled(id, ['FAILED', 'DELETED']);
      expect(failed).toMatchObject({ status: 'FAILED', live: true });
      expect(failed.statusMessage).toMatch(
        /^delete \(deleting the topics\) failed: .*the topic operator is busy/,
      );
    } finally {
      removeFailure();
    }

    // Deleting it now without its topics would delete them (they are released): refused, nothing written.
    const operationsBefore = await prisma.operation.count({ where: { pipelineId: id } });
    await expect(pipelines.delete(principal, id, false)).rejects.toMatchObject({
      reason: 'PIPELINE_NOT_CHANGEABLE',
    });
    expect(await prisma.operation.count({ where: { pipelineId: id } })).toBe(operationsBefore);

    // deployPipeline resumes at the second run: the pipeline leaves the stack and its topics are deleted.
    const resumed = await pipelines.deploy(principal, id);
    expect(resumed.pipeline.status).toBe('DELETING');
    expect(resumed.operation!.input).toMatchObject({ deleteTopics: true, phase: 'REMOVE' });
    expect(await operationIn(prisma, resumed.operation!.id, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'SUCCEEDED',
    });
    expect(await settled(id, ['DELETED', 'FAILED'])).toMatchObject({ status: 'DELETED', live: null });
    expect(engine.lastUp.pipelines ?? []).toEqual([]);
    const removedTopics = await prisma.resourceEvent.findMany({
      where: { operationId: { in: [resumed.operation!.id] }, type: TOPIC, state: 'succeeded' },
      select: { operation: true },
    });
    expect(removedTopics.length).toBeGreaterThan(0);
    expect(removedTopics.every((e) => e.operation === 'delete')).toBe(true);
    // Between the failed and the resumed run every topic was deleted once, none retained.
    const allRuns = (await prisma.operation.findMany({ where: { pipelineId: id } })).map((o) => o.id);
    const topicDeletes = await prisma.resourceEvent.findMany({
      where: {
        operationId: { in: allRuns },
        type: TOPIC,
        state: 'succeeded',
        operation: { in: ['delete', 'retain'] },
      },
      select: { name: true, operation: true },
    });
    expect(topicDeletes.map((e) => e.operation)).toEqual(['delete', 'delete', 'delete']);

    const operations = await prisma.operation.findMany({
      where: { pipelineId: id },
      orderBy: { queuedAt: 'asc' },
    });
    expect(operations.map((o) => [(o.input as { phase?: string }).phase ?? null, o.status])).toEqual([
      [null, 'SUCCEEDED'],
      ['PREPARE', 'SUCCEEDED'],
      ['REMOVE', 'FAILED'],
      ['REMOVE', 'SUCCEEDED'],
    ]);
    const audit = await prisma.auditLog.findMany({
      where: { orgId: principal.orgId, targetId: id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((a) => [a.action, a.actorType])).toEqual([
      ['pipeline.create', 'USER'],
      ['pipeline.delete', 'USER'],
      ['pipeline.delete_topics', 'SYSTEM'],
      ['pipeline.deploy', 'USER'],
    ]);
    expect(await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } })).toMatchObject({
      status: 'RUNNING',
    });
  });

  it('refuses bad input and another organization’s deployment with typed errors, writing nothing', async () => {
    const mine = await runningDeployment();
    const theirs = await runningDeployment();
    await pipelines.create(mine.principal, {
      deploymentId: mine.deploymentId,
      spec: {
        name: 'forward',
        stages: [
          { name: 'read', kind: 'source.kafka', options: { topic: 'orders' } },
          { name: 'write', kind: 'sink.kafka', options: { topic: 'orders-copy' } },
        ],
      },
    });
    const counts = async () => ({
      pipelines: await prisma.pipeline.count(),
      operations: await prisma.operation.count(),
      audit: await prisma.auditLog.count(),
      jobs: (await queue.getJobCounts()) as Record<string, number>,
    });
    const refusal = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        if (error instanceof DomainError) return `${error.kind} ${error.reason}`;
        throw error;
      }
      throw new Error('expected a refusal');
    };
    const kafkaStages = (from: string, to: string) => [
      { name: 'read', kind: 'source.kafka', options: { topic: from } },
      { name: 'write', kind: 'sink.kafka', options: { topic: to } },
    ];
    const before = await counts();

    const attempts: [string, () => Promise<unknown>][] = [
      [
        'BAD_USER_INPUT INVALID_TOPIC_NAME',
        () =>
          pipelines.create(mine.principal, {
            deploymentId: mine.deploymentId,
            spec: { name: 'bad-topic', stages: kafkaStages('orders', 'no spaces allowed') },
            deploy: true,
          }),
      ],
      [
        'BAD_USER_INPUT UNKNOWN_STAGE_KIND',
        () =>
          pipelines.create(mine.principal, {
            deploymentId: mine.deploymentId,
            spec: {
              name: 'unknown',
              stages: [...kafkaStages('a', 'b').slice(0, 1), { name: 'x', kind: 'sink.ftp', options: {} }],
            },
            deploy: true,
          }),
      ],
      [
        // orders → orders-copy exists; orders-copy → orders closes the loop.
        'BAD_USER_INPUT PIPELINE_CYCLE',
        () =>
          pipelines.create(mine.principal, {
            deploymentId: mine.deploymentId,
            spec: {
              name: 'back',
              stages: [
                { name: 'read', kind: 'source.kafka', options: { topic: 'orders-copy' } },
                { name: 'shape', kind: 'transform.map', options: { fields: { id: 'id' } } },
                { name: 'write', kind: 'sink.kafka', options: { topic: 'orders' } },
              ],
            },
            deploy: true,
          }),
      ],
      [
        'BAD_USER_INPUT SINK_WRITES_SOURCE',
        () =>
          pipelines.create(mine.principal, {
            deploymentId: mine.deploymentId,
            spec: { name: 'loop', stages: kafkaStages('events', 'events') },
            deploy: true,
          }),
      ],
      [
        'NOT_FOUND DEPLOYMENT_NOT_FOUND',
        () =>
          pipelines.create(mine.principal, {
            deploymentId: theirs.deploymentId,
            spec: pipelineSpec('intruder'),
            deploy: true,
          }),
      ],
      [
        'CONFLICT PIPELINE_NAME_TAKEN',
        () =>
          pipelines.create(mine.principal, {
            deploymentId: mine.deploymentId,
            spec: { name: 'forward', stages: kafkaStages('x', 'y') },
          }),
      ],
    ];
    const outcomes = [];
    for (const [, attempt] of attempts) outcomes.push(await refusal(attempt));
    expect(outcomes).toEqual(attempts.map(([expected]) => expected));
    const [existing] = await pipelines.list(mine.principal, mine.deploymentId);
    expect(await refusal(() => pipelines.get(theirs.principal, existing.id))).toBe(
      'NOT_FOUND PIPELINE_NOT_FOUND',
    );
    expect(await refusal(() => pipelines.deploy(theirs.principal, existing.id))).toBe(
      'NOT_FOUND PIPELINE_NOT_FOUND',
    );

    expect(await counts()).toEqual(before);
  });

  it('settles every pipeline of a destroyed deployment as DELETED, freeing their names', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const deployed = await pipelines.create(principal, {
      deploymentId,
      spec: pipelineSpec('metrics'),
      deploy: true,
    });
    await operationIn(prisma, deployed.operation!.id, ['SUCCEEDED', 'FAILED']);
    await settled(deployed.pipeline.id, ['RUNNING']);
    const draft = await pipelines.create(principal, { deploymentId, spec: pipelineSpec('later') });

    const destroy = await prisma.operation.create({
      data: {
        orgId: principal.orgId,
        deploymentId,
        type: 'DESTROY',
        generation: 1,
        requestedByType: 'SYSTEM',
      },
    });
    await enqueue(queue, { orgId: principal.orgId, deploymentId }, destroy.id);
    expect(await operationIn(prisma, destroy.id, ['SUCCEEDED', 'FAILED'])).toMatchObject({
      status: 'SUCCEEDED',
    });
    for (const id of [deployed.pipeline.id, draft.pipeline.id]) {
      expect(await settled(id, ['DELETED'])).toMatchObject({ live: null, appliedState: 'DELETED' });
    }
  });

  it('leaves a pipeline FAILED (the deployment RUNNING) when its run fails, and deploys it again on request', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const stackName = `dep-${deploymentId}`;
    const removeFailure = engine.inner.injectFailure({
      match: { type: TOPIC },
      stackName,
      message: 'the topic operator refused the topic',
      times: 1,
    });
    try {
      const created = await pipelines.create(principal, {
        deploymentId,
        spec: pipelineSpec('fragile'),
        deploy: true,
      });
      expect(await operationIn(prisma, created.operation!.id, ['SUCCEEDED', 'FAILED'])).toMatchObject({
        status: 'FAILED',
      });
      const failed = await settled(created.pipeline.id, ['FAILED']);
      expect(failed.statusMessage).toMatch(/^deploy failed: .*the topic operator refused the topic/);
      expect(failed).toMatchObject({ appliedSpec: null, appliedGeneration: 0 });
      const deployment = await prisma.deployment.findUniqueOrThrow({ where: { id: deploymentId } });
      expect(deployment).toMatchObject({ status: 'RUNNING', statusMessage: null });

      const again = await pipelines.deploy(principal, created.pipeline.id);
      expect(again.pipeline.status).toBe('DEPLOYING');
      await operationIn(prisma, again.operation!.id, ['SUCCEEDED', 'FAILED']);
      expect(await settled(created.pipeline.id, ['RUNNING', 'FAILED'])).toMatchObject({
        status: 'RUNNING',
        statusMessage: null,
        appliedGeneration: 1,
      });
    } finally {
      removeFailure();
    }
  });

  it('retries a failed PIPELINE operation through the deployments’ retry, for the same pipeline', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const removeFailure = engine.inner.injectFailure({
      match: { type: USER },
      stackName: `dep-${deploymentId}`,
      times: 1,
    });
    try {
      const created = await pipelines.create(principal, {
        deploymentId,
        spec: pipelineSpec('retried'),
        deploy: true,
      });
      const failedOp = await operationIn(prisma, created.operation!.id, ['SUCCEEDED', 'FAILED']);
      expect(failedOp.status).toBe('FAILED');
      await settled(created.pipeline.id, ['FAILED']);

      const retry = await api
        .get(DeploymentsService, { strict: false })
        .retryOperation(principal, failedOp.id);
      expect(retry.operation).toMatchObject({
        type: 'PIPELINE',
        pipelineId: created.pipeline.id,
        retryOfId: failedOp.id,
        attempt: 2,
      });
      expect(await operationIn(prisma, retry.operation.id, ['SUCCEEDED', 'FAILED'])).toMatchObject({
        status: 'SUCCEEDED',
      });
      // The pipeline is still FAILED (from the first run) until the retry's settle: wait for that, not for
      // any settled status.
      expect(await settled(created.pipeline.id, ['RUNNING'])).toMatchObject({ status: 'RUNNING' });
      expect((await pipelines.operations(principal, created.pipeline.id)).map((o) => o.id)).toEqual([
        retry.operation.id,
        failedOp.id,
      ]);
    } finally {
      removeFailure();
    }
  });
});

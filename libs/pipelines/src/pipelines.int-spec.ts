import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Principal } from '@streamplane/auth';
import { ConfigModule, loadConfig, type AppConfig } from '@streamplane/config';
import { DbModule, PrismaService } from '@streamplane/db';
import { defaultSpec } from '@streamplane/deployment-spec';
import { columnsOf, DeploymentsService } from '@streamplane/deployments';
import { randomUUID } from 'node:crypto';
import { PipelineCheckpointStore } from './checkpoints/pipeline-checkpoint-store';
import { PipelineSettlement } from './lifecycle/pipeline-settlement';
import { PipelinesModule } from './pipelines.module';
import { PipelinesService } from './pipelines.service';

/**
 * The pipelines service and checkpoint store against the real PostgreSQL and Redis, with no provisioner:
 * operations stay QUEUED, which is what these cases need.
 */
describe('pipelines without a provisioner', () => {
  let config: AppConfig;
  let app: INestApplicationContext;
  let prisma: PrismaService;
  let pipelines: PipelinesService;

  beforeAll(async () => {
    config = loadConfig({
      ...process.env,
      REDIS_KEY_PREFIX: `${process.env.REDIS_KEY_PREFIX}pipelines-lib:`,
    });
    app = await NestFactory.createApplicationContext(
      { module: class PipelinesLib {}, imports: [ConfigModule.forRoot(config), DbModule, PipelinesModule] },
      { logger: false },
    );
    await app.init();
    prisma = app.get(PrismaService);
    pipelines = app.get(PipelinesService);
  });

  afterAll(async () => {
    await app?.close();
  });

  /** An organization with a RUNNING deployment, written as the api and the provisioner would leave them. */
  async function runningDeployment(): Promise<{ principal: Principal; deploymentId: string }> {
    const suffix = randomUUID().slice(0, 8);
    const org = await prisma.organization.create({ data: { name: `Org ${suffix}`, slug: `org-${suffix}` } });
    const account = await prisma.cloudAccount.create({
      data: { orgId: org.id, provider: 'AWS', name: `aws ${suffix}`, status: 'VERIFIED' },
    });
    const id = randomUUID();
    await prisma.deployment.create({
      data: {
        id,
        orgId: org.id,
        cloudAccountId: account.id,
        ...columnsOf({ ...defaultSpec('aws'), name: `dep-${suffix}` }),
        engine: 'local',
        stackName: `dep-${id}`,
        status: 'RUNNING',
      },
    });
    return {
      principal: { type: 'USER', userId: randomUUID(), orgId: org.id, role: 'MEMBER' },
      deploymentId: id,
    };
  }

  const spec = (name: string) => ({
    name,
    stages: [
      { name: 'in', kind: 'source.http', options: { path: '/in' } },
      { name: 'out', kind: 'sink.kafka', options: { topic: `${name}-out` } },
    ],
  });

  it('settles a pipeline whose queued operation was cancelled as FAILED, and deploys it again', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const created = await pipelines.create(principal, {
      deploymentId,
      spec: spec('cancelled'),
      deploy: true,
    });
    expect(created.operation).toMatchObject({ status: 'QUEUED', type: 'PIPELINE' });
    // A second change waits for the first: the pipeline is busy.
    await expect(pipelines.pause(principal, created.pipeline.id)).rejects.toMatchObject({
      reason: 'PIPELINE_BUSY',
    });

    // Cancelled through the deployments' API: no run ever settles the pipeline; the next read does.
    await app.get(DeploymentsService).cancelOperation(principal, created.operation!.id);
    expect((await prisma.pipeline.findUniqueOrThrow({ where: { id: created.pipeline.id } })).status).toBe(
      'DEPLOYING',
    );
    const healed = await pipelines.get(principal, created.pipeline.id);
    expect(healed).toMatchObject({
      status: 'FAILED',
      statusMessage: 'deploy was cancelled: Cancelled before it started',
    });

    const again = await pipelines.deploy(principal, created.pipeline.id);
    expect(again.pipeline.status).toBe('DEPLOYING');
    expect(again.operation).toMatchObject({ status: 'QUEUED', pipelineId: created.pipeline.id });
    // The deployment's one-operation lock: another pipeline cannot deploy meanwhile.
    const other = await pipelines.create(principal, { deploymentId, spec: spec('waiting') });
    await expect(pipelines.deploy(principal, other.pipeline.id)).rejects.toMatchObject({
      reason: 'OPERATION_IN_PROGRESS',
    });
  });

  it('queues the second run of a delete with topics once, whether the runner or a read settles the first', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const settlement = app.get(PipelineSettlement);
    /** The operation ended as a provisioner commits it (the settle after it is up to the caller). */
    const succeed = (id: string) =>
      prisma.operation.update({
        where: { id },
        data: { status: 'SUCCEEDED', active: null, finishedAt: new Date() },
      });
    const created = await pipelines.create(principal, { deploymentId, spec: spec('purged'), deploy: true });
    await settlement.settle(await succeed(created.operation!.id), 'SUCCEEDED');
    const id = created.pipeline.id;
    expect(await prisma.pipeline.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'RUNNING' });

    const deleted = await pipelines.delete(principal, id, true);
    expect(deleted.operation!.input).toMatchObject({ phase: 'PREPARE', deleteTopics: true });
    // The provisioner committed the first run and stopped before settling it: the next read settles it.
    const prepare = await succeed(deleted.operation!.id);
    const [healed] = await Promise.all([pipelines.get(principal, id), pipelines.get(principal, id)]);
    expect(healed).toMatchObject({ status: 'DELETING', live: true });
    // A late settle by the runner changes nothing.
    await settlement.settle(prepare, 'SUCCEEDED');
    const removes = await prisma.operation.findMany({
      where: { pipelineId: id, input: { path: ['phase'], equals: 'REMOVE' } },
    });
    expect(removes).toHaveLength(1);
    expect(removes[0]).toMatchObject({
      status: 'QUEUED',
      type: 'PIPELINE',
      requestedById: principal.type === 'USER' ? principal.userId : null,
      input: expect.objectContaining({ action: 'delete', desiredState: 'DELETED', deleteTopics: true }),
    });
    const audit = await prisma.auditLog.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(audit.map((a) => a.action)).toEqual([
      'pipeline.create',
      'pipeline.delete',
      'pipeline.delete_topics',
    ]);

    // The second run succeeds: now the pipeline is DELETED.
    await settlement.settle(await succeed(removes[0].id), 'SUCCEEDED');
    expect(await prisma.pipeline.findUniqueOrThrow({ where: { id } })).toMatchObject({
      status: 'DELETED',
      live: null,
    });
  });

  it('stores a checkpoint only when it is newer, for a stage of a pipeline of the reporting deployment', async () => {
    const { principal, deploymentId } = await runningDeployment();
    const { pipeline } = await pipelines.create(principal, { deploymentId, spec: spec('measured') });
    const store = app.get(PipelineCheckpointStore);
    const checkpoint = (sequence: number, stage = 'out') => ({
      pipelineId: pipeline.id,
      stage,
      sequence,
      observedAt: new Date().toISOString(),
      state: 'RUNNING' as const,
      messagesPerSec: sequence,
      lag: 0,
      lastOffset: sequence * 10,
    });
    expect(await store.record(principal.orgId, deploymentId, checkpoint(2))).toBe('stored');
    expect(await store.record(principal.orgId, deploymentId, checkpoint(2))).toBe('stale');
    expect(await store.record(principal.orgId, deploymentId, checkpoint(1))).toBe('stale');
    expect(await store.record(principal.orgId, deploymentId, checkpoint(3))).toBe('stored');
    expect(await store.record(principal.orgId, deploymentId, checkpoint(9, 'nope'))).toBe('unknown-pipeline');
    expect(await store.record(randomUUID(), deploymentId, checkpoint(9))).toBe('unknown-pipeline');
    expect(await store.record(principal.orgId, randomUUID(), checkpoint(9))).toBe('unknown-pipeline');
    expect(
      await store.record(principal.orgId, deploymentId, { ...checkpoint(9), pipelineId: randomUUID() }),
    ).toBe('unknown-pipeline');
    expect([...(await store.read(pipeline.id)).values()].map((c) => c.sequence)).toEqual([3]);
  });
});

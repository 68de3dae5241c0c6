import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AppConfig } from '@streamplane/config';
import type { Prisma, PrismaService } from '@streamplane/db';
import { defaultSpec, type DeploymentSpec } from '@streamplane/deployment-spec';
import {
  channelFor,
  operationJobId,
  PROVISIONING_QUEUE,
  provisioningQueueOptions,
  type DeploymentEvent,
  type ProvisioningJobs,
} from '@streamplane/deployments';
import { Queue } from 'bullmq';
import Redis from 'ioredis';

/**
 * Test data for the provisioner, written with Prisma the way the api's DeploymentsService writes it when it
 * accepts a change (spec and generation on the deployment, the spec in the operation's input).
 */
export type OperationKind = 'CREATE' | 'UPDATE' | 'SCALE' | 'UPGRADE' | 'DESTROY' | 'PREVIEW';

export async function makeOrg(prisma: PrismaService): Promise<{ orgId: string; cloudAccountId: string }> {
  const suffix = randomUUID().slice(0, 8);
  const org = await prisma.organization.create({ data: { name: `Org ${suffix}`, slug: `org-${suffix}` } });
  const account = await prisma.cloudAccount.create({
    data: { orgId: org.id, provider: 'AZURE', name: `azure ${suffix}`, status: 'VERIFIED' },
  });
  return { orgId: org.id, cloudAccountId: account.id };
}

export function makeSpec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return { ...defaultSpec('azure'), name: `k-${randomUUID().slice(0, 8)}`, ...overrides };
}

/** A PENDING deployment and its QUEUED CREATE operation (generation 1). */
export async function makeDeployment(
  prisma: PrismaService,
  org: { orgId: string; cloudAccountId: string },
  spec: DeploymentSpec = makeSpec(),
): Promise<{ deploymentId: string; operationId: string; stackName: string }> {
  const id = randomUUID();
  const stackName = `dep-${id}`;
  await prisma.deployment.create({
    data: {
      id,
      orgId: org.orgId,
      cloudAccountId: org.cloudAccountId,
      name: spec.name,
      cloud: 'AZURE',
      region: spec.region,
      zones: spec.zones,
      kafkaVersion: spec.kafkaVersion,
      controllers: spec.controllers,
      brokers: spec.brokers,
      nodeSize: spec.nodeSize,
      storagePerBrokerGiB: spec.storagePerBrokerGiB,
      externalListener: spec.listeners.external,
      clientAuthentication: 'SCRAM_SHA_512',
      spec: json(spec),
      engine: 'local',
      stackName,
    },
  });
  const operationId = await addOperation(prisma, { orgId: org.orgId, deploymentId: id }, 'CREATE', spec, 1);
  return { deploymentId: id, operationId, stackName };
}

/** A QUEUED operation; for a change, the deployment's desired spec and generation move with it. */
export async function addOperation(
  prisma: PrismaService,
  target: { orgId: string; deploymentId: string },
  type: OperationKind,
  spec: DeploymentSpec,
  generation: number,
  extra: { attempt?: number; retryOfId?: string } = {},
): Promise<string> {
  const operation = await prisma.$transaction(async (tx) => {
    if (type !== 'CREATE') {
      await tx.deployment.update({
        where: { id: target.deploymentId },
        data: { spec: json(spec), generation, brokers: spec.brokers },
      });
    }
    return tx.operation.create({
      data: {
        orgId: target.orgId,
        deploymentId: target.deploymentId,
        type,
        generation,
        input: { spec: json(spec) },
        requestedByType: 'SYSTEM',
        ...extra,
      },
    });
  });
  return operation.id;
}

export type TestQueue = Queue<ProvisioningJobs['operation.run'], unknown, 'operation.run'>;

export function testQueue(config: AppConfig): TestQueue {
  return new Queue(PROVISIONING_QUEUE, provisioningQueueOptions(config));
}

/** Enqueues like the api (job id = operation id), with a short backoff so retries happen within a test. */
export async function enqueue(
  queue: TestQueue,
  target: { orgId: string; deploymentId: string },
  operationId: string,
): Promise<void> {
  await queue.add(
    'operation.run',
    { operationId, orgId: target.orgId, deploymentId: target.deploymentId },
    { jobId: operationJobId(operationId), attempts: 3, backoff: { type: 'fixed', delay: 50 } },
  );
}

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | null | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await sleep(25);
  }
}

export function operationIn(prisma: PrismaService, operationId: string, statuses: string[]) {
  return waitFor(`operation ${operationId} to be ${statuses.join('|')}`, async () => {
    const operation = await prisma.operation.findUniqueOrThrow({ where: { id: operationId } });
    return statuses.includes(operation.status) ? operation : undefined;
  });
}

/** Everything published on an organization's channel, in arrival order. */
export async function listen(
  config: AppConfig,
  orgId: string,
): Promise<{ events: DeploymentEvent[]; close(): void }> {
  const subscriber = new Redis(config.redis.url);
  const events: DeploymentEvent[] = [];
  subscriber.on('message', (_channel, message) => events.push(JSON.parse(message) as DeploymentEvent));
  await subscriber.subscribe(channelFor(config, orgId));
  return { events, close: () => subscriber.disconnect() };
}

/** A spec as a JSON column value. */
function json(spec: DeploymentSpec): Prisma.InputJsonObject {
  return JSON.parse(JSON.stringify(spec)) as Prisma.InputJsonObject;
}

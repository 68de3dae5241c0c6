import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Principal } from '@streamplane/auth';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { DbModule, type PrismaService } from '@streamplane/db';
import { StackWorkloads } from '@streamplane/deployments';
import { ReplicationModule, ReplicationStackContributor } from '@streamplane/replication';
import { randomUUID } from 'node:crypto';
import type { Provisioner } from '../src/create-provisioner';
import {
  enqueue,
  makeDeployment,
  makeSpec,
  operationIn,
  waitFor,
  type TestQueue,
} from './provisioner-fixtures';

/**
 * The api side of replication (ReplicationModule: its services, the operation dispatcher, the contributor)
 * in its own Nest context beside the provisioner, and the contributor registered in the provisioner's
 * StackWorkloads registry too, unless the provisioner's module already imports it.
 */
export async function startReplicationContext(
  config: AppConfig,
  provisioner: Provisioner,
): Promise<INestApplicationContext> {
  @Module({ imports: [ConfigModule.forRoot(config), DbModule, ReplicationModule] })
  class ReplicationTestModule {}
  const context = await NestFactory.createApplicationContext(ReplicationTestModule, { logger: false });
  await context.init();
  const registry = provisioner.app.get(StackWorkloads);
  if (!registry.names.includes('replication')) registry.register(context.get(ReplicationStackContributor));
  return context;
}

export function ownerOf(orgId: string): Principal {
  return { type: 'USER', userId: randomUUID(), orgId, role: 'OWNER' };
}

/** A RUNNING deployment (its CREATE run through the queue), in `region`, with the external listener on or off. */
export async function runningDeployment(
  prisma: PrismaService,
  queue: TestQueue,
  org: { orgId: string; cloudAccountId: string },
  region: string,
  external = true,
): Promise<{ deploymentId: string; stackName: string; name: string }> {
  const spec = makeSpec({ region, listeners: { internal: true, external } });
  const created = await makeDeployment(prisma, org, spec);
  await prisma.deployment.update({
    where: { id: created.deploymentId },
    data: { externalListener: external },
  });
  await enqueue(queue, { orgId: org.orgId, deploymentId: created.deploymentId }, created.operationId);
  const done = await operationIn(prisma, created.operationId, ['SUCCEEDED', 'FAILED']);
  if (done.status !== 'SUCCEEDED') throw new Error(`CREATE failed: ${done.errorMessage}`);
  return { deploymentId: created.deploymentId, stackName: created.stackName, name: spec.name };
}

/** Waits until every operation has ended and returns them. */
export async function allEnded(prisma: PrismaService, operationIds: string[]) {
  return Promise.all(operationIds.map((id) => operationIn(prisma, id, ['SUCCEEDED', 'FAILED', 'CANCELLED'])));
}

export function linkIn(prisma: PrismaService, linkId: string, status: string) {
  return waitFor(`link ${linkId} to be ${status}`, async () => {
    const link = await prisma.replicationLink.findUniqueOrThrow({ where: { id: linkId } });
    return link.status === status ? link : undefined;
  });
}

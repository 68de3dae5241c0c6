import { Injectable } from '@nestjs/common';
import { AuditLogService, type AuditEntry } from '@streamplane/audit';
import { actorOf, type Principal } from '@streamplane/auth';
import {
  DeploymentStatus,
  OperationStatus,
  OperationType,
  Prisma,
  type Deployment,
  type Operation,
  type ReplicationLink,
} from '@streamplane/db';
import {
  OperationDispatcher,
  deploymentNotFound,
  isUniqueViolation,
  operationInProgress,
} from '@streamplane/deployments';
import { ReplicationError, ReplicationErrorCode as Code, linkNotFound } from '../replication.errors';
import type {
  ReplicationLinkSpec,
  ReplicationOperationInput,
  ReplicationStep,
} from '../spec/replication-link-spec';

const ACTIVE = [OperationStatus.QUEUED, OperationStatus.RUNNING];

/** Operations written in a transaction, dispatched (enqueued, published) once it committed. */
export type QueuedOperations = { deployment: Deployment; operation: Operation }[];

/**
 * The transaction steps every link change shares: lock the link and its deployments (in id order, so two
 * changes never deadlock), refuse while anything of theirs is in flight, write one REPLICATION operation per
 * deployment the change touches, append the step, audit; and dispatch the operations after the commit.
 */
@Injectable()
export class ReplicationLinkChanges {
  constructor(
    private readonly audit: AuditLogService,
    private readonly dispatcher: OperationDispatcher,
  ) {}

  /** The deployments, locked; NOT_FOUND for an id that is not this organization's. */
  async lockDeployments(
    tx: Prisma.TransactionClient,
    orgId: string,
    ids: string[],
  ): Promise<Map<string, Deployment>> {
    const locked = new Map<string, Deployment>();
    for (const id of [...new Set(ids)].sort()) {
      await tx.$queryRaw`SELECT id FROM deployments WHERE id = ${id}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
      const deployment = await tx.deployment.findFirst({ where: { id, orgId } });
      if (!deployment) throw deploymentNotFound();
      locked.set(id, deployment);
    }
    return locked;
  }

  /** The live (not DELETED) link, locked; NOT_FOUND when it is not this organization's. */
  async lockLink(tx: Prisma.TransactionClient, orgId: string, linkId: string): Promise<ReplicationLink> {
    await tx.$queryRaw`SELECT id FROM replication_links WHERE id = ${linkId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
    const link = await tx.replicationLink.findFirst({ where: { id: linkId, orgId, live: true } });
    if (!link) throw linkNotFound();
    return link;
  }

  /** Nothing of the link's, and no operation on the deployments, may be queued or running. */
  async assertIdle(
    tx: Prisma.TransactionClient,
    linkId: string | null,
    deployments: Deployment[],
  ): Promise<void> {
    if (linkId) {
      const own = await tx.operation.findFirst({
        where: { replicationLinkId: linkId, status: { in: ACTIVE } },
      });
      if (own) {
        throw new ReplicationError(
          Code.LINK_BUSY,
          `The link's previous change is still ${own.status.toLowerCase()} (operation ${own.id}); wait for it.`,
        );
      }
    }
    for (const deployment of deployments) {
      const active = await tx.operation.findFirst({
        where: { deploymentId: deployment.id, status: { in: ACTIVE } },
        select: { id: true, type: true, status: true },
      });
      if (active)
        throw operationInProgress(`${deployment.name}: ${active.type} ${active.id} is ${active.status}`);
    }
  }

  assertRunning(deployments: Deployment[]): void {
    for (const deployment of deployments) {
      if (deployment.status !== DeploymentStatus.RUNNING) {
        throw new ReplicationError(
          Code.DEPLOYMENT_NOT_RUNNING,
          `${deployment.name} is ${deployment.status}; replication changes need both deployments RUNNING.`,
        );
      }
    }
  }

  /** One REPLICATION operation per deployment, in order, each applying `spec` at `generation`. */
  async writeOperations(
    tx: Prisma.TransactionClient,
    principal: Principal | null,
    link: Pick<ReplicationLink, 'id' | 'orgId'>,
    generation: number,
    spec: ReplicationLinkSpec,
    deployments: Deployment[],
  ): Promise<QueuedOperations> {
    const actor = principal ? actorOf(principal) : { actorType: 'SYSTEM' as const, actorId: undefined };
    const input: ReplicationOperationInput = { replication: { linkId: link.id, generation, spec } };
    const queued: QueuedOperations = [];
    for (const deployment of deployments) {
      const operation = await tx.operation.create({
        data: {
          orgId: link.orgId,
          deploymentId: deployment.id,
          type: OperationType.REPLICATION,
          generation: deployment.generation,
          replicationLinkId: link.id,
          input,
          requestedByType: actor.actorType,
          requestedById: actor.actorId ?? null,
        },
      });
      queued.push({ deployment, operation });
    }
    return queued;
  }

  record(tx: Prisma.TransactionClient, principal: Principal, entry: AuditEntry): Promise<void> {
    return this.audit.record(tx, actorOf(principal), entry);
  }

  /** Never throws: the operations are committed; a job that could not be added now is added by the sweep. */
  async dispatch(queued: QueuedOperations): Promise<void> {
    for (const { deployment, operation } of queued) await this.dispatcher.dispatch(deployment, operation);
  }

  /** The deployments' one-active-operation constraint and the link's one-live-link-per-pair one, as typed errors. */
  async guarded<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'active'))
        throw operationInProgress('another operation was just accepted');
      if (['pairKey', 'pair_key', 'live'].some((field) => isUniqueViolation(error, field)))
        throw linkExists();
      throw error;
    }
  }
}

export function linkExists(): ReplicationError {
  return new ReplicationError(
    Code.LINK_EXISTS,
    'These two deployments are already linked; change or delete that link instead.',
  );
}

export function appendStep(steps: unknown, step: ReplicationStep): Prisma.InputJsonArray {
  const list = Array.isArray(steps) ? (steps as unknown[]) : [];
  // The newest 200 steps are kept on the link; the audit log keeps all of them.
  return [...list, step].slice(-200) as unknown as Prisma.InputJsonArray;
}

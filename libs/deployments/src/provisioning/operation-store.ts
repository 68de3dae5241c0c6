import { Injectable } from '@nestjs/common';
import type { JsonValue } from '@streamplane/provisioning';
import {
  DeploymentStatus,
  OperationStatus,
  Prisma,
  PrismaService,
  type Deployment,
  type Operation,
} from '@streamplane/db';
import { proposalWhere } from '../upgrades/upgrade-run-store';
import type { StoredResourceEvent } from './resource-event-writer';

/** What the provisioner reads and writes, in the transactions that keep operation and deployment agreeing. */
export interface OperationWithDeployment {
  operation: Operation;
  deployment: Deployment;
}

/** Operations that may still run: an operation in any other status is finished and never runs again. */
const ACTIVE_STATUSES: OperationStatus[] = [OperationStatus.QUEUED, OperationStatus.RUNNING];

/**
 * The provisioner's PostgreSQL access. Every update of an operation is conditional on it still being
 * active (QUEUED or RUNNING), so a run never overwrites an outcome someone else committed (the api
 * cancelling a queued operation); each method that ends an operation sets `active` to NULL in the same
 * statement (the one-active-operation-per-deployment constraint) and updates the deployment in the same
 * transaction.
 */
@Injectable()
export class OperationStore {
  constructor(private readonly prisma: PrismaService) {}

  /** The operation with its deployment, only within the organization and deployment the job names. */
  async load(
    orgId: string,
    deploymentId: string,
    operationId: string,
  ): Promise<OperationWithDeployment | undefined> {
    const operation = await this.prisma.operation.findFirst({
      where: { id: operationId, orgId, deploymentId },
      include: { deployment: true },
    });
    if (!operation || operation.deployment.orgId !== orgId) return undefined;
    const { deployment, ...rest } = operation;
    return { operation: rest, deployment };
  }

  async cancelRequested(operationId: string): Promise<boolean> {
    const row = await this.prisma.operation.findUnique({
      where: { id: operationId },
      select: { cancelRequestedAt: true, status: true },
    });
    return !row || row.cancelRequestedAt !== null || !ACTIVE_STATUSES.includes(row.status);
  }

  /** The last sequence stored for the operation (0 when none): a resumed run's events follow it. */
  async lastSequence(operationId: string): Promise<number> {
    const result = await this.prisma.resourceEvent.aggregate({
      where: { operationId },
      _max: { sequence: true },
    });
    return result._max.sequence ?? 0;
  }

  async insertEvents(rows: StoredResourceEvent[]): Promise<void> {
    await this.prisma.resourceEvent.createMany({ data: rows, skipDuplicates: true });
  }

  /**
   * QUEUED/RUNNING → RUNNING, and the deployment to its in-progress status (none for a preview or a
   * pipeline change).
   * Undefined when the operation is no longer active.
   */
  async start(
    operation: Operation,
    deploymentStatus: DeploymentStatus | undefined,
    now: Date,
  ): Promise<OperationWithDeployment | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.operation.updateMany({
        where: { id: operation.id, status: { in: ACTIVE_STATUSES } },
        data: { status: OperationStatus.RUNNING, startedAt: operation.startedAt ?? now },
      });
      if (updated.count === 0) return undefined;
      const deployment = deploymentStatus
        ? await tx.deployment.update({
            where: { id: operation.deploymentId },
            data: { status: deploymentStatus, statusMessage: null },
          })
        : await tx.deployment.findUniqueOrThrow({ where: { id: operation.deploymentId } });
      const fresh = await tx.operation.findUniqueOrThrow({ where: { id: operation.id } });
      return { operation: fresh, deployment };
    });
  }

  /**
   * SUCCEEDED, with the deployment's outcome: RUNNING with the outputs and the applied generation, or
   * DESTROYED; an upgrade's proposal is DONE. `deploymentUnchanged` (a preview, a pipeline change) leaves
   * the deployment as it is: its pipeline follows through the StackWorkloads contributors instead.
   */
  async succeed(
    operation: Operation,
    result: { destroyed: boolean; deploymentUnchanged: boolean; outputs: Record<string, JsonValue> },
    now: Date,
  ): Promise<OperationWithDeployment | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const ended = await this.end(tx, operation.id, {
        status: OperationStatus.SUCCEEDED,
        finishedAt: now,
        errorCode: null,
        errorMessage: null,
      });
      if (!ended) return undefined;
      let deployment: Deployment;
      if (result.deploymentUnchanged) {
        deployment = await tx.deployment.findUniqueOrThrow({ where: { id: operation.deploymentId } });
      } else {
        deployment = await tx.deployment.update({
          where: { id: operation.deploymentId },
          data: result.destroyed
            ? {
                status: DeploymentStatus.DESTROYED,
                outputs: {},
                observedGeneration: operation.generation,
                statusMessage: null,
                destroyedAt: now,
              }
            : {
                status: DeploymentStatus.RUNNING,
                outputs: result.outputs,
                observedGeneration: operation.generation,
                statusMessage: null,
              },
        });
        if (operation.type === 'UPGRADE') {
          // By the operation the approval scheduled, or by `input.proposalId` for a retry of it.
          await tx.upgradeProposal.updateMany({
            where: { open: true, ...proposalWhere(operation) },
            data: { state: 'DONE', open: null },
          });
        }
      }
      return { operation: ended, deployment };
    });
  }

  private async end(
    tx: Prisma.TransactionClient,
    operationId: string,
    data: {
      status: OperationStatus;
      finishedAt: Date;
      errorCode?: string | null;
      errorMessage?: string | null;
    },
  ): Promise<Operation | undefined> {
    const updated = await tx.operation.updateMany({
      where: { id: operationId, status: { in: ACTIVE_STATUSES } },
      data: { ...data, active: null },
    });
    if (updated.count === 0) return undefined;
    return tx.operation.findUniqueOrThrow({ where: { id: operationId } });
  }

  /**
   * FAILED or CANCELLED with the reason; the deployment FAILED (retryable) with `deploymentMessage`, or left
   * as it is without one (a preview, a pipeline change, an operation cancelled before it started).
   */
  async fail(
    operation: Operation,
    outcome: {
      status: 'FAILED' | 'CANCELLED';
      code: string;
      message: string;
      deploymentMessage: string | undefined;
    },
    now: Date,
  ): Promise<OperationWithDeployment | undefined> {
    return this.prisma.$transaction(async (tx) => {
      const ended = await this.end(tx, operation.id, {
        status: outcome.status,
        finishedAt: now,
        errorCode: outcome.code,
        errorMessage: truncate(outcome.message, 4000),
      });
      if (!ended) return undefined;
      const deployment =
        outcome.deploymentMessage === undefined
          ? await tx.deployment.findUniqueOrThrow({ where: { id: operation.deploymentId } })
          : await tx.deployment.update({
              where: { id: operation.deploymentId },
              data: {
                status: DeploymentStatus.FAILED,
                statusMessage: truncate(outcome.deploymentMessage, 2000),
              },
            });
      return { operation: ended, deployment };
    });
  }

  /**
   * Back to QUEUED for another attempt (a transient failure, or a worker shutting down), noting why.
   * The deployment keeps its in-progress status: the operation is not over.
   */
  async requeue(
    operation: Operation,
    reason: { code: string; message: string } | undefined,
  ): Promise<Operation | undefined> {
    const updated = await this.prisma.operation.updateMany({
      where: { id: operation.id, status: { in: ACTIVE_STATUSES } },
      data: {
        status: OperationStatus.QUEUED,
        ...(reason ? { errorCode: reason.code, errorMessage: truncate(reason.message, 4000) } : {}),
      },
    });
    if (updated.count === 0) return undefined;
    return this.prisma.operation.findUniqueOrThrow({ where: { id: operation.id } });
  }
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

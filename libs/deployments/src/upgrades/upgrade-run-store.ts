import { Injectable } from '@nestjs/common';
import {
  OperationStatus,
  PrismaService,
  UpgradeProposalState,
  type Operation,
  type UpgradeProposal,
} from '@streamplane/db';
import { parseDeploymentSpec } from '@streamplane/deployment-spec';
import { columnsOf } from '../deployment-columns';
import type { OperationWithDeployment } from '../provisioning/operation-store';

const ACTIVE_STATUSES: OperationStatus[] = [OperationStatus.QUEUED, OperationStatus.RUNNING];

/**
 * The PostgreSQL side of an UPGRADE run beyond OperationStore's: its proposal, the note of a run waiting for
 * preconditions, the end of phase 1, and closing an upgrade that never started. Like OperationStore, every
 * write is conditional on the operation still being active.
 */
@Injectable()
export class UpgradeRunStore {
  constructor(private readonly prisma: PrismaService) {}

  /** The proposal the operation carries out (`input.proposalId`; the approval's `operationId` otherwise). */
  async proposalOf(operation: Operation): Promise<UpgradeProposal | undefined> {
    const proposalId = proposalIdOf(operation);
    const proposal = await this.prisma.upgradeProposal.findFirst({
      where: proposalId
        ? { id: proposalId, deploymentId: operation.deploymentId }
        : { operationId: operation.id },
    });
    return proposal ?? undefined;
  }

  /** Notes on the QUEUED operation why it waits (shown in its status); undefined when it is no longer queued. */
  async noteWaiting(operation: Operation, code: string, message: string): Promise<Operation | undefined> {
    const updated = await this.prisma.operation.updateMany({
      where: { id: operation.id, status: OperationStatus.QUEUED },
      data: { errorCode: code, errorMessage: message },
    });
    if (updated.count === 0) return undefined;
    return this.prisma.operation.findUniqueOrThrow({ where: { id: operation.id } });
  }

  /** Phase 1 is done: a resumed run goes straight to phase 2. Keeps the first time it was recorded. */
  async markBrokersRolled(proposalId: string, now: Date): Promise<void> {
    await this.prisma.upgradeProposal.updateMany({
      where: { id: proposalId, brokersRolledAt: null },
      data: { brokersRolledAt: now },
    });
  }

  /**
   * Fails an upgrade that never started, in one transaction: the operation FAILED; the deployment's desired
   * spec back to `input.previousSpec` (its generation too, unless a later change moved it) — it was never
   * touched, so its status stays; the proposal FAILED and closed, so a new one can be made.
   */
  async closeUnstarted(
    operation: Operation,
    outcome: { code: string; message: string; deploymentMessage: string },
    now: Date,
  ): Promise<OperationWithDeployment | undefined> {
    const previousSpec = (operation.input as { previousSpec?: unknown } | null)?.previousSpec;
    return this.prisma.$transaction(async (tx) => {
      const updated = await tx.operation.updateMany({
        where: { id: operation.id, status: { in: ACTIVE_STATUSES } },
        data: {
          status: OperationStatus.FAILED,
          active: null,
          finishedAt: now,
          errorCode: outcome.code,
          errorMessage: outcome.message.slice(0, 4000),
        },
      });
      if (updated.count === 0) return undefined;
      const current = await tx.deployment.findUniqueOrThrow({ where: { id: operation.deploymentId } });
      const deployment = await tx.deployment.update({
        where: { id: operation.deploymentId },
        data: {
          ...(previousSpec ? columnsOf(parseDeploymentSpec(previousSpec)) : {}),
          ...(current.generation === operation.generation ? { generation: current.generation - 1 } : {}),
          statusMessage: outcome.deploymentMessage.slice(0, 2000),
        },
      });
      await tx.upgradeProposal.updateMany({
        where: { open: true, ...proposalWhere(operation) },
        data: { state: UpgradeProposalState.FAILED, open: null },
      });
      const ended = await tx.operation.findUniqueOrThrow({ where: { id: operation.id } });
      return { operation: ended, deployment };
    });
  }
}

function proposalIdOf(operation: Operation): string | undefined {
  const proposalId = (operation.input as { proposalId?: unknown } | null)?.proposalId;
  return typeof proposalId === 'string' ? proposalId : undefined;
}

/** Matches the operation's proposal, by id or by the approval's link to the operation. */
export function proposalWhere(operation: Operation): { OR: { id?: string; operationId?: string }[] } {
  const proposalId = proposalIdOf(operation);
  return { OR: [{ operationId: operation.id }, ...(proposalId ? [{ id: proposalId }] : [])] };
}

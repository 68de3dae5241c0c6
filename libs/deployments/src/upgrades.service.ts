import { Injectable } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import { actorOf, type Principal } from '@streamplane/auth';
import {
  DeploymentStatus,
  OperationType,
  Prisma,
  PrismaService,
  UpgradeProposalState,
  type Deployment,
  type Operation,
  type UpgradeProposal,
} from '@streamplane/db';
import { parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { columnsOf, specOf } from './deployment-columns';
import { DeploymentError, DeploymentErrorCode as Code } from './deployments.errors';
import {
  decidedBy,
  deploymentNotFound,
  isUniqueViolation,
  operationInProgress,
  type OperationInput,
} from './deployments.service';
import { DeclineInput, MaintenanceWindowInput, type MaintenanceWindow } from './dto/deployment.inputs';
import { OperationDispatcher } from './operations/operation-dispatcher';
import { UpgradeProposer } from './upgrades/upgrade-proposer';

export { nextKafkaVersion, PROPOSAL_TTL_MS } from './upgrades/upgrade-proposer';

const HOUR_MS = 3600 * 1000;
/** A maintenance window is at least an hour and at most a week long. */
const MIN_WINDOW_MS = HOUR_MS;
const MAX_WINDOW_MS = 7 * 24 * HOUR_MS;

/**
 * Kafka upgrades, only with the customer's consent: Streamplane proposes (a system action), an ADMIN
 * approves with a maintenance window — which schedules the UPGRADE operation as a job delayed to the
 * window's start — or declines.
 */
@Injectable()
export class UpgradesService {
  /** Proposing needs only PostgreSQL and the audit log: the provisioner runs it without the api's services. */
  private readonly proposer: UpgradeProposer;

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
    private readonly dispatcher: OperationDispatcher,
  ) {
    this.proposer = new UpgradeProposer(prisma, audit);
  }

  async listForDeployment(principal: Principal, deploymentId: string): Promise<UpgradeProposal[]> {
    parseInput(z.uuid(), deploymentId);
    const deployment = await this.prisma.deployment.findFirst({
      where: { id: deploymentId, orgId: principal.orgId },
      select: { id: true },
    });
    if (!deployment) throw deploymentNotFound();
    return this.prisma.upgradeProposal.findMany({
      where: { deploymentId, orgId: principal.orgId },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    });
  }

  /** Proposes upgrades now (the provisioner does it on a schedule; see UpgradeProposer). */
  proposeUpgrades(now = new Date()): Promise<UpgradeProposal[]> {
    return this.proposer.proposeUpgrades(now);
  }

  /** Approves with a maintenance window: the UPGRADE operation is queued, its job delayed to the window. */
  async approve(
    principal: Principal,
    proposalId: string,
    rawWindow: MaintenanceWindow,
    now = new Date(),
  ): Promise<{ proposal: UpgradeProposal; operation: Operation; deployment: Deployment }> {
    parseInput(z.uuid(), proposalId);
    const window = parseInput(MaintenanceWindowInput, rawWindow);
    const result = await this.guardActive(() =>
      this.prisma.$transaction(async (tx) => {
        const proposal = await this.lockProposal(tx, principal.orgId, proposalId);
        assertOpenForDecision(proposal, now);
        const problem =
          window.start.getTime() <= now.getTime()
            ? 'must start in the future'
            : window.end.getTime() - window.start.getTime() < MIN_WINDOW_MS
              ? 'must be at least one hour long'
              : window.end.getTime() - window.start.getTime() > MAX_WINDOW_MS
                ? 'must be at most seven days long'
                : window.start.getTime() > proposal.expiresAt.getTime()
                  ? `must start before the proposal expires (${proposal.expiresAt.toISOString()})`
                  : undefined;
        if (problem) {
          throw new DeploymentError(Code.INVALID_MAINTENANCE_WINDOW, `The maintenance window ${problem}.`, [
            { field: 'window', message: problem },
          ]);
        }
        await tx.$queryRaw`SELECT id FROM deployments WHERE id = ${proposal.deploymentId}::uuid FOR UPDATE`;
        const deployment = await tx.deployment.findUniqueOrThrow({ where: { id: proposal.deploymentId } });
        if (
          deployment.status !== DeploymentStatus.RUNNING ||
          deployment.kafkaVersion !== proposal.fromVersion
        ) {
          throw new DeploymentError(
            Code.UPGRADE_PROPOSAL_CLOSED,
            `The deployment is ${deployment.status} on Kafka ${deployment.kafkaVersion}; this proposal no longer applies.`,
          );
        }
        const active = await tx.operation.findFirst({
          where: { deploymentId: deployment.id, active: true },
          select: { id: true, type: true, status: true },
        });
        if (active) throw operationInProgress(`${active.type} ${active.id} is ${active.status}`);
        const current = specOf(deployment);
        const next = { ...current, kafkaVersion: proposal.toVersion };
        const generation = deployment.generation + 1;
        const actor = actorOf(principal);
        const input: OperationInput = { spec: next, previousSpec: current, proposalId: proposal.id };
        const operation = await tx.operation.create({
          data: {
            orgId: deployment.orgId,
            deploymentId: deployment.id,
            type: OperationType.UPGRADE,
            generation,
            input: input as unknown as Prisma.InputJsonObject,
            requestedByType: actor.actorType,
            requestedById: actor.actorId ?? null,
            notBefore: window.start,
          },
        });
        const updatedDeployment = await tx.deployment.update({
          where: { id: deployment.id },
          data: { ...columnsOf(next), generation },
        });
        const approved = await tx.upgradeProposal.update({
          where: { id: proposal.id },
          data: {
            state: UpgradeProposalState.SCHEDULED,
            windowStart: window.start,
            windowEnd: window.end,
            operationId: operation.id,
            ...decidedBy(principal, now),
          },
        });
        await this.audit.record(tx, actor, {
          action: 'upgrade.approve',
          targetType: 'UpgradeProposal',
          targetId: proposal.id,
          metadata: {
            deploymentId: deployment.id,
            toVersion: proposal.toVersion,
            windowStart: window.start.toISOString(),
            windowEnd: window.end.toISOString(),
            operationId: operation.id,
          },
        });
        return { proposal: approved, operation, deployment: updatedDeployment };
      }),
    );
    await this.dispatcher.dispatch(result.deployment, result.operation);
    return result;
  }

  async decline(
    principal: Principal,
    proposalId: string,
    reason?: string | null,
    now = new Date(),
  ): Promise<UpgradeProposal> {
    parseInput(z.uuid(), proposalId);
    const declineReason = parseInput(DeclineInput, reason ?? undefined);
    return this.prisma.$transaction(async (tx) => {
      const proposal = await this.lockProposal(tx, principal.orgId, proposalId);
      assertOpenForDecision(proposal, now);
      const declined = await tx.upgradeProposal.update({
        where: { id: proposal.id },
        data: {
          state: UpgradeProposalState.DECLINED,
          open: null,
          declineReason: declineReason ?? null,
          ...decidedBy(principal, now),
        },
      });
      await this.audit.record(tx, actorOf(principal), {
        action: 'upgrade.decline',
        targetType: 'UpgradeProposal',
        targetId: proposal.id,
        metadata: { deploymentId: proposal.deploymentId, toVersion: proposal.toVersion },
      });
      return declined;
    });
  }

  private async lockProposal(
    tx: Prisma.TransactionClient,
    orgId: string,
    proposalId: string,
  ): Promise<UpgradeProposal> {
    await tx.$queryRaw`SELECT id FROM upgrade_proposals WHERE id = ${proposalId}::uuid AND org_id = ${orgId}::uuid FOR UPDATE`;
    const proposal = await tx.upgradeProposal.findFirst({ where: { id: proposalId, orgId } });
    if (!proposal) {
      throw new DeploymentError(
        Code.UPGRADE_PROPOSAL_NOT_FOUND,
        'No such upgrade proposal in this organization.',
      );
    }
    return proposal;
  }

  private async guardActive<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'active'))
        throw operationInProgress('another operation was just accepted');
      throw error;
    }
  }
}

/** Only a PROPOSED proposal that has not expired can be approved or declined. Writes nothing. */
function assertOpenForDecision(proposal: UpgradeProposal, now: Date): void {
  if (proposal.state !== UpgradeProposalState.PROPOSED) {
    throw new DeploymentError(Code.UPGRADE_PROPOSAL_CLOSED, `This proposal is ${proposal.state} already.`);
  }
  if (proposal.expiresAt.getTime() <= now.getTime()) {
    throw new DeploymentError(
      Code.UPGRADE_PROPOSAL_EXPIRED,
      `This proposal expired at ${proposal.expiresAt.toISOString()}; a new one will be made.`,
    );
  }
}

import { Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import {
  ActorType,
  DeploymentStatus,
  PrismaService,
  UpgradeProposalState,
  type Deployment,
  type UpgradeProposal,
} from '@streamplane/db';
import {
  compareKafkaVersions,
  specChangeProblems,
  supportedKafkaVersions,
} from '@streamplane/deployment-spec';
import { specOf } from '../deployment-columns';
import { isUniqueViolation } from '../deployments.service';

/** How long a proposal can be approved. */
export const PROPOSAL_TTL_MS = 30 * 24 * 3600 * 1000;

/**
 * Makes upgrade proposals (a system action, run by the provisioner's `upgrades.propose` job scheduler). Safe
 * to run on every replica at once: a deployment has at most one open proposal (a unique index), so a
 * concurrent proposal for the same deployment is simply not made twice.
 */
@Injectable()
export class UpgradeProposer {
  private readonly logger = new Logger(UpgradeProposer.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditLogService,
  ) {}

  /**
   * Expires proposals past their time, then proposes the next version to every RUNNING deployment that
   * has a newer supported one within one upgrade step, no open proposal, and has not declined that version.
   */
  async proposeUpgrades(now = new Date()): Promise<UpgradeProposal[]> {
    await this.prisma.upgradeProposal.updateMany({
      where: { open: true, state: UpgradeProposalState.PROPOSED, expiresAt: { lte: now } },
      data: { state: UpgradeProposalState.EXPIRED, open: null },
    });
    const candidates = await this.prisma.deployment.findMany({
      where: { status: DeploymentStatus.RUNNING, upgradeProposals: { none: { open: true } } },
    });
    const proposed: UpgradeProposal[] = [];
    for (const deployment of candidates) {
      const toVersion = this.nextVersionOf(deployment);
      if (!toVersion) continue;
      const declined = await this.prisma.upgradeProposal.count({
        where: { deploymentId: deployment.id, toVersion, state: UpgradeProposalState.DECLINED },
      });
      if (declined > 0) continue;
      const proposal = await this.propose(deployment, toVersion, now);
      if (proposal) proposed.push(proposal);
    }
    return proposed;
  }

  /** One deployment whose stored spec cannot be read is logged and skipped, never stops the others. */
  private nextVersionOf(deployment: Deployment): string | undefined {
    try {
      return nextKafkaVersion(deployment);
    } catch (error) {
      this.logger.warn(
        { err: error, deploymentId: deployment.id },
        'Skipped in the upgrade check: its stored spec is not valid',
      );
      return undefined;
    }
  }

  private async propose(
    deployment: Deployment,
    toVersion: string,
    now: Date,
  ): Promise<UpgradeProposal | undefined> {
    try {
      return await this.prisma.$transaction(async (tx) => {
        const proposal = await tx.upgradeProposal.create({
          data: {
            orgId: deployment.orgId,
            deploymentId: deployment.id,
            fromVersion: deployment.kafkaVersion,
            toVersion,
            expiresAt: new Date(now.getTime() + PROPOSAL_TTL_MS),
          },
        });
        await this.audit.record(
          tx,
          { orgId: deployment.orgId, actorType: ActorType.SYSTEM },
          {
            action: 'upgrade.propose',
            targetType: 'UpgradeProposal',
            targetId: proposal.id,
            metadata: { deploymentId: deployment.id, fromVersion: deployment.kafkaVersion, toVersion },
          },
        );
        return proposal;
      });
    } catch (error) {
      // Another replica proposed at the same moment: the unique open proposal is theirs.
      if (isUniqueViolation(error, 'open')) return undefined;
      throw error;
    }
  }
}

/** The newest supported version the deployment may move to in one step, if newer than its own. */
export function nextKafkaVersion(deployment: Pick<Deployment, 'spec' | 'kafkaVersion'>): string | undefined {
  const current = specOf(deployment);
  return [...supportedKafkaVersions()]
    .filter((version) => compareKafkaVersions(version, current.kafkaVersion) > 0)
    .filter((version) => specChangeProblems(current, { ...current, kafkaVersion: version }).length === 0)
    .sort(compareKafkaVersions)
    .pop();
}

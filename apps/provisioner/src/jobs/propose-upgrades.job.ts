import { Injectable, Logger } from '@nestjs/common';
import { UpgradeProposer, type ProvisioningJobs } from '@streamplane/deployments';
import type { Job } from 'bullmq';
import type { ProvisioningJobHandler } from './job-handlers';

/**
 * `upgrades.propose`, run by the job scheduler (upgrade-check.schedule.ts): proposes Kafka upgrades where a
 * newer supported version exists. A failure is only logged by BullMQ; the next run comes within the interval.
 */
@Injectable()
export class ProposeUpgradesJob implements ProvisioningJobHandler<'upgrades.propose'> {
  readonly jobName = 'upgrades.propose' as const;
  private readonly logger = new Logger(ProposeUpgradesJob.name);

  constructor(private readonly proposer: UpgradeProposer) {}

  async handle(job: Job<ProvisioningJobs['upgrades.propose'], void, 'upgrades.propose'>): Promise<void> {
    const proposed = await this.proposer.proposeUpgrades();
    if (proposed.length > 0) {
      this.logger.log(
        {
          jobId: job.id,
          proposals: proposed.map(({ id, deploymentId, toVersion }) => ({ id, deploymentId, toVersion })),
        },
        'Proposed Kafka upgrades',
      );
    }
  }
}

import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import {
  PROVISIONING_QUEUE,
  UPGRADE_CHECK_JOB_OPTIONS,
  UPGRADE_CHECK_SCHEDULER_ID,
  provisioningQueueOptions,
  type ProvisioningJobs,
} from '@streamplane/deployments';
import { Queue } from 'bullmq';

type ProposePayload = ProvisioningJobs['upgrades.propose'];

/**
 * Keeps the `upgrades.propose` job scheduler in the provisioning queue. Every replica upserts it at start
 * under one fixed id: BullMQ keeps a single schedule (a new interval replaces the old one), and the job runs
 * on whichever worker takes it. The schedule outlives the process on purpose: the other replicas rely on it.
 */
@Injectable()
export class UpgradeCheckSchedule implements OnModuleDestroy {
  private readonly logger = new Logger(UpgradeCheckSchedule.name);
  private readonly queue: Queue<ProposePayload, void, 'upgrades.propose'>;

  constructor(@InjectConfig() private readonly config: AppConfig) {
    this.queue = new Queue(PROVISIONING_QUEUE, provisioningQueueOptions(config));
    this.queue.on('error', (error) => this.logger.warn({ err: error }, 'Provisioning queue error'));
  }

  async start(): Promise<void> {
    const every = this.config.provisioning.upgrades.checkIntervalSeconds * 1000;
    await this.queue.upsertJobScheduler(
      UPGRADE_CHECK_SCHEDULER_ID,
      { every },
      { name: 'upgrades.propose', data: {}, opts: UPGRADE_CHECK_JOB_OPTIONS },
    );
    this.logger.log(
      { schedulerId: UPGRADE_CHECK_SCHEDULER_ID, everyMs: every },
      'Kafka upgrade checks scheduled',
    );
  }

  async onModuleDestroy(): Promise<void> {
    await this.queue.close().catch(() => undefined);
  }
}

import { Injectable } from '@nestjs/common';
import { RollupService } from '@streamplane/billing';
import { Metrics } from '@streamplane/observability';
import { measuredRollup } from '../metrics/measured-rollup';
import type { BillingJobHandler } from './job-handlers';

/**
 * `usage.rollup`: rolls up every hour pending when it starts (RollupService logs what it did). At shutdown
 * it stops between two batches; a SIGKILL mid-batch rolls that batch's transaction back.
 */
@Injectable()
export class UsageRollupJob implements BillingJobHandler<'usage.rollup'> {
  readonly jobName = 'usage.rollup' as const;

  constructor(
    private readonly rollup: RollupService,
    private readonly metrics: Metrics,
  ) {}

  async handle(_job: unknown, signal: AbortSignal | undefined): Promise<void> {
    await measuredRollup(this.rollup, this.metrics, signal);
  }
}

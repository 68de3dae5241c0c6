import type { AppConfig } from '@streamplane/config';
import type { ConnectionOptions, JobSchedulerTemplateOptions, RepeatOptions } from 'bullmq';

/**
 * The billing queue's contract, in one place (STYLE.md "Typed job contracts"). Every job is produced by a
 * BullMQ job scheduler (one per job name, id = the job name) that the billing worker upserts at start, so
 * any number of replicas keep exactly one schedule each. Every job is idempotent and safe to run twice at
 * once (SKIP LOCKED roll-ups, invoice writes keyed by organization and month), which is what makes a
 * stalled job's re-run after a crash harmless.
 */
export const BILLING_QUEUE = 'billing';

export interface BillingJobs {
  /** Roll up every hour ingest marked since the last run (RollupService.rollUpPending). */
  'usage.rollup': Record<string, never>;
  /** Recompute every organization's draft invoice for the current month (InvoicingService.refreshDrafts). */
  'invoices.refresh': Record<string, never>;
  /** Roll up what is pending, then finalize the drafts whose month has ended (InvoicingService.finalizeDue). */
  'invoices.finalize': Record<string, never>;
}

export type BillingJobName = keyof BillingJobs;

export const BILLING_JOB_NAMES: readonly BillingJobName[] = [
  'usage.rollup',
  'invoices.refresh',
  'invoices.finalize',
];

/**
 * A failed run is not retried: the next tick runs the same work again (and a roll-up that failed half-way
 * left its hours pending). Kept briefly: these jobs repeat forever.
 */
export const BILLING_JOB_OPTIONS: JobSchedulerTemplateOptions = {
  attempts: 1,
  removeOnComplete: { age: 3600, count: 100 },
  removeOnFail: { age: 7 * 24 * 3600, count: 1000 },
};

/** When each job runs, from the configuration. */
export function billingSchedules(config: AppConfig): Record<BillingJobName, Omit<RepeatOptions, 'key'>> {
  const { rollup, invoices } = config.billing;
  return {
    'usage.rollup': { every: rollup.intervalSeconds * 1000 },
    'invoices.refresh': { every: invoices.refreshIntervalSeconds * 1000 },
    'invoices.finalize': { every: invoices.finalizeIntervalSeconds * 1000 },
  };
}

/** Same Redis and key prefix as the other queues (BullMQ refuses ioredis' own `keyPrefix`). */
export function billingQueueOptions(config: AppConfig): { connection: ConnectionOptions; prefix: string } {
  return {
    connection: { url: config.redis.url, maxRetriesPerRequest: null },
    prefix: `${config.redis.keyPrefix}bull`,
  };
}

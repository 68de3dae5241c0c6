import type { JobSchedulerTemplateOptions, JobsOptions } from 'bullmq';

/**
 * The provisioning queue's contract, in one place (STYLE.md "Typed job contracts"): the api enqueues,
 * apps/provisioner processes. The job id is always the operation id, so a retried request or a double
 * click never runs an operation twice (BullMQ refuses a second job with the same id).
 */
export const PROVISIONING_QUEUE = 'provisioning';

export interface ProvisioningJobs {
  /** Run one Operation row (CREATE, UPDATE, SCALE, UPGRADE, DESTROY) to its end through the StackEngine. */
  'operation.run': {
    operationId: string;
    orgId: string;
    deploymentId: string;
    /**
     * The W3C trace context (`traceparent`, `tracestate`) of the request that enqueued the job, so the run's
     * spans join its trace. Absent when it was not traced (or enqueued by the sweep); jobs from before it
     * existed have none either.
     */
    trace?: Record<string, string>;
  };
  /** Propose Kafka upgrades to every deployment that has a newer version (the job scheduler below). */
  'upgrades.propose': Record<string, never>;
}

export type ProvisioningJobName = keyof ProvisioningJobs;

export const PROVISIONING_JOB_NAMES: readonly ProvisioningJobName[] = ['operation.run', 'upgrades.propose'];

/**
 * Transient failures (a cloud API timing out, a concurrent-update lock) are retried with backoff; the worker
 * throws BullMQ's UnrecoverableError for the rest, so they fail at once. Finished jobs are kept briefly for
 * inspection, failed ones longer.
 */
export const PROVISIONING_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function operationJobId(operationId: string): string {
  return `operation-${operationId}`;
}

/**
 * The one job scheduler of `upgrades.propose`. Its id is fixed, so every provisioner replica upserting it at
 * start leaves one schedule (the latest interval wins), not one per replica.
 */
export const UPGRADE_CHECK_SCHEDULER_ID = 'upgrades.propose';

/** A failed check is not retried: the next one follows within the interval. */
export const UPGRADE_CHECK_JOB_OPTIONS: JobSchedulerTemplateOptions = {
  attempts: 1,
  removeOnComplete: { count: 100 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

import { handlersForQueue } from '@streamplane/workers';
import type { Job } from 'bullmq';
import type { BillingJobName, BillingJobs } from './billing.jobs';

/** A processor for one job name of the billing queue; its payload type follows from the name. */
export interface BillingJobHandler<N extends BillingJobName = BillingJobName> {
  readonly jobName: N;
  /** `signal` aborts when the worker shuts down: stop at the next safe point. */
  handle(job: Job<BillingJobs[N], void, N>, signal: AbortSignal | undefined): Promise<void>;
}

/** Injection token: every handler the billing worker registers. */
export const BILLING_JOB_HANDLERS = Symbol('BILLING_JOB_HANDLERS');

/** The handlers by job name; the process does not start when they do not match the queue's contract. */
export function handlersByJobName(
  jobNames: readonly string[],
  handlers: readonly BillingJobHandler[],
): Map<string, BillingJobHandler> {
  return handlersForQueue('billing', jobNames, handlers);
}

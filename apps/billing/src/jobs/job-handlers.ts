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

/**
 * The handlers by job name. Refuses (the process does not start) when a job name of the contract has no
 * handler or two, or a handler serves a name the contract does not know (STYLE.md "Jobs").
 */
export function handlersByJobName(
  jobNames: readonly string[],
  handlers: readonly BillingJobHandler[],
): Map<string, BillingJobHandler> {
  const problems: string[] = [];
  const byName = new Map<string, BillingJobHandler>();
  for (const handler of handlers) {
    if (!jobNames.includes(handler.jobName)) problems.push(`'${handler.jobName}' is not a billing job`);
    else if (byName.has(handler.jobName)) problems.push(`'${handler.jobName}' has more than one handler`);
    else byName.set(handler.jobName, handler);
  }
  for (const name of jobNames) {
    if (!byName.has(name) && !problems.some((p) => p.startsWith(`'${name}'`))) {
      problems.push(`'${name}' has no handler`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Billing job handlers do not match the queue's contract: ${problems.join('; ')}`);
  }
  return byName;
}

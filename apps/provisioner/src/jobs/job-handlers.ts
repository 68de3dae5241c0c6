import { handlersForQueue } from '@streamplane/workers';
import type { ProvisioningJobName, ProvisioningJobs } from '@streamplane/deployments';
import type { Job } from 'bullmq';

/** A processor for one job name of the provisioning queue; its payload type follows from the name. */
export interface ProvisioningJobHandler<N extends ProvisioningJobName = ProvisioningJobName> {
  readonly jobName: N;
  handle(
    job: Job<ProvisioningJobs[N], void, N>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void>;
}

/** Injection token: every handler the provisioner registers. */
export const PROVISIONING_JOB_HANDLERS = Symbol('PROVISIONING_JOB_HANDLERS');

/** The handlers by job name; the process does not start when they do not match the queue's contract. */
export function handlersByJobName(
  jobNames: readonly string[],
  handlers: readonly ProvisioningJobHandler[],
): Map<string, ProvisioningJobHandler> {
  return handlersForQueue('provisioning', jobNames, handlers);
}

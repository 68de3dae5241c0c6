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

/**
 * The handlers by job name. Refuses (the process does not start) when a job name of the contract has no
 * handler or two, or a handler serves a name the contract does not know (STYLE.md "Jobs").
 */
export function handlersByJobName(
  jobNames: readonly string[],
  handlers: readonly ProvisioningJobHandler[],
): Map<string, ProvisioningJobHandler> {
  const problems: string[] = [];
  const byName = new Map<string, ProvisioningJobHandler>();
  for (const handler of handlers) {
    if (!jobNames.includes(handler.jobName)) problems.push(`'${handler.jobName}' is not a provisioning job`);
    else if (byName.has(handler.jobName)) problems.push(`'${handler.jobName}' has more than one handler`);
    else byName.set(handler.jobName, handler);
  }
  for (const name of jobNames) {
    if (!byName.has(name) && !problems.some((p) => p.startsWith(`'${name}'`))) {
      problems.push(`'${name}' has no handler`);
    }
  }
  if (problems.length > 0) {
    throw new Error(`Provisioning job handlers do not match the queue's contract: ${problems.join('; ')}`);
  }
  return byName;
}

/** What every queue's job handler has in common: the one job name it serves. */
export interface NamedJobHandler {
  readonly jobName: string;
}

/**
 * A queue's handlers by job name. Refuses (the worker process does not start) when a job name of the queue's
 * contract has no handler or two, or a handler serves a name the contract does not know (STYLE.md "Jobs").
 * `queue` names the queue in the message, e.g. "provisioning".
 */
export function handlersForQueue<H extends NamedJobHandler>(
  queue: string,
  jobNames: readonly string[],
  handlers: readonly H[],
): Map<string, H> {
  const problems: string[] = [];
  const byName = new Map<string, H>();
  for (const handler of handlers) {
    if (!jobNames.includes(handler.jobName)) problems.push(`'${handler.jobName}' is not a ${queue} job`);
    else if (byName.has(handler.jobName)) problems.push(`'${handler.jobName}' has more than one handler`);
    else byName.set(handler.jobName, handler);
  }
  for (const name of jobNames) {
    if (!byName.has(name) && !problems.some((p) => p.startsWith(`'${name}'`))) {
      problems.push(`'${name}' has no handler`);
    }
  }
  if (problems.length > 0) {
    const title = queue.charAt(0).toUpperCase() + queue.slice(1);
    throw new Error(`${title} job handlers do not match the queue's contract: ${problems.join('; ')}`);
  }
  return byName;
}

import type { ClusterHealthObservation } from './cluster-health-probe';

/** Whether a cluster may be rolled now, and if not, every reason in words a customer understands. */
export type PreconditionVerdict = { met: true; simulated: boolean } | { met: false; problems: string[] };

/**
 * An upgrade rolls brokers one by one: with a partition already under-replicated, or a broker not ready,
 * restarting another broker can take partitions offline. So: every expected broker ready, no
 * under-replicated partition, and — between phases — a report taken after the roll (`observedSince`), not
 * one from before it.
 */
export function judgeUpgradePreconditions(
  observation: ClusterHealthObservation,
  options: { observedSince?: Date } = {},
): PreconditionVerdict {
  if (observation.kind === 'unknown') return { met: false, problems: [observation.reason] };
  const { health } = observation;
  const problems: string[] = [];
  if (options.observedSince && health.observedAt.getTime() < options.observedSince.getTime()) {
    problems.push(
      `no health report since ${options.observedSince.toISOString()} (the latest is from ${health.observedAt.toISOString()})`,
    );
  } else {
    if (health.brokersReady < health.brokersExpected) {
      problems.push(`${health.brokersReady} of ${health.brokersExpected} brokers ready`);
    }
    if (health.underReplicatedPartitions > 0) {
      problems.push(`${health.underReplicatedPartitions} under-replicated partition(s)`);
    }
  }
  return problems.length === 0 ? { met: true, simulated: health.simulated } : { met: false, problems };
}

import type { AgentHealthReport, AgentHealthStore } from './agent-health-store';
import type { ClusterHealthObservation, ClusterHealthProbe } from './cluster-health-probe';

/**
 * The pulumi engine's probe: the latest report of the deployment's data-plane agent. No report, or one older
 * than `maxAgeMs`, is no knowledge: the upgrade's preconditions count as unmet.
 */
export class AgentReportedClusterHealthProbe implements ClusterHealthProbe {
  constructor(
    private readonly store: AgentHealthStore,
    private readonly maxAgeMs: number,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async probe(deployment: { id: string; brokers: number }): Promise<ClusterHealthObservation> {
    const report = await this.store.read(deployment.id);
    return observationFromAgentReport(report, deployment.brokers, this.now(), this.maxAgeMs);
  }
}

export function observationFromAgentReport(
  report: AgentHealthReport | undefined,
  brokersExpected: number,
  now: Date,
  maxAgeMs: number,
): ClusterHealthObservation {
  if (!report) {
    return { kind: 'unknown', reason: 'no report from the data-plane agent yet' };
  }
  const ageMs = now.getTime() - report.observedAt.getTime();
  if (ageMs > maxAgeMs) {
    return {
      kind: 'unknown',
      reason:
        `no recent report from the data-plane agent: the last one is from ${report.observedAt.toISOString()}, ` +
        `older than ${Math.round(maxAgeMs / 1000)} s`,
    };
  }
  return {
    kind: 'observed',
    health: {
      brokersReady: report.brokersReady,
      brokersExpected,
      underReplicatedPartitions: report.underReplicatedPartitions,
      observedAt: report.observedAt,
      simulated: false,
    },
  };
}

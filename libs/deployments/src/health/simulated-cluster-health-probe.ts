import type { ClusterHealthObservation, ClusterHealthProbe } from './cluster-health-probe';

/**
 * The local engine's probe: a simulated cluster has no brokers to ask, so it reports every broker of the
 * spec ready and no under-replicated partition, labelled `simulated` so no view presents it as observed.
 */
export class SimulatedClusterHealthProbe implements ClusterHealthProbe {
  constructor(private readonly now: () => Date = () => new Date()) {}

  probe(deployment: { brokers: number }): Promise<ClusterHealthObservation> {
    return Promise.resolve({
      kind: 'observed',
      health: {
        brokersReady: deployment.brokers,
        brokersExpected: deployment.brokers,
        underReplicatedPartitions: 0,
        observedAt: this.now(),
        simulated: true,
      },
    });
  }
}

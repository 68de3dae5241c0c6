import type { Deployment } from '@streamplane/db';

/** What a probe saw of a deployment's Kafka cluster at one moment. */
export interface ClusterHealth {
  brokersReady: number;
  /** The brokers the deployment's spec asks for. */
  brokersExpected: number;
  underReplicatedPartitions: number;
  observedAt: Date;
  /** True when nothing was observed: the local engine's stand-in, healthy by construction. */
  simulated: boolean;
}

/** A probe's answer: what it observed, or why it cannot say (which never counts as healthy). */
export type ClusterHealthObservation =
  { kind: 'observed'; health: ClusterHealth } | { kind: 'unknown'; reason: string };

/**
 * How the provisioner learns whether a deployment's Kafka is healthy enough to roll (an upgrade's
 * preconditions). One implementation per StackEngine: simulated for `local`, the data-plane agent's reports
 * for `pulumi`.
 */
export interface ClusterHealthProbe {
  probe(deployment: Pick<Deployment, 'id' | 'brokers'>): Promise<ClusterHealthObservation>;
}

/** Injection token of the provisioner's ClusterHealthProbe (tests provide their own). */
export const CLUSTER_HEALTH_PROBE = Symbol('CLUSTER_HEALTH_PROBE');

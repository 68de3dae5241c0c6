import type { DeploymentSpec } from '@streamplane/deployment-spec';
import type { ClusterOutputs } from '../types';

/** On every Kafka node (brokers and controllers): Kafka pods select it, nothing else does. */
export const KAFKA_NODE_LABEL = { key: 'streamplane.io/workload', value: 'kafka' } as const;

/** Keeps everything but Kafka off the Kafka nodes (Kafka pods tolerate it; DaemonSets tolerate all taints). */
export const KAFKA_NODE_TAINT = { key: 'streamplane.io/kafka', value: 'true', effect: 'NoSchedule' } as const;

/**
 * Brokers and KRaft controllers run on separate nodes of different sizes (the catalog's controller pool is a
 * small node, brokers get the spec's node size), so each Kafka node also says which role it is for.
 */
export const KAFKA_NODE_ROLE_LABEL = {
  key: 'streamplane.io/kafka-role',
  brokers: 'broker',
  controllers: 'controller',
} as const;

export type KafkaNodeRole = 'brokers' | 'controllers';
export const KAFKA_NODE_ROLES: readonly KafkaNodeRole[] = ['brokers', 'controllers'];

/** The well-known node label whose values are the zones; Strimzi's rack awareness reads it. */
export const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface ZoneNodePlan {
  zone: string;
  brokers: number;
  controllers: number;
}

/**
 * How many Kafka nodes each zone gets: one node per broker and one per controller, spread as evenly as the
 * counts allow, the remainder going to the spec's first zones (4 brokers: 2, 1, 1). Each zone has its own
 * node pool per role, so a node replaced in an upgrade comes back in the zone where its broker's volume is.
 * Exact counts (no spare node) match the cost estimate; Kafka's topology spread puts the extra pods in the
 * zones that have room.
 */
export function kafkaNodePlan(
  spec: Pick<DeploymentSpec, 'zones' | 'brokers' | 'controllers'>,
): ZoneNodePlan[] {
  return spec.zones.map((zone, index) => ({
    zone,
    brokers: shareOf(spec.brokers, index, spec.zones.length),
    controllers: shareOf(spec.controllers, index, spec.zones.length),
  }));
}

function shareOf(total: number, index: number, zones: number): number {
  return Math.floor(total / zones) + (index < total % zones ? 1 : 0);
}

/** How both clouds mark Kafka nodes, as the platform reads it from ClusterOutputs (fresh copies each call). */
export function kafkaNodeMarkers(): Pick<
  ClusterOutputs,
  'kafkaNodeLabel' | 'kafkaNodeTaint' | 'kafkaNodeRoleLabel' | 'zoneLabel'
> {
  return {
    kafkaNodeLabel: { ...KAFKA_NODE_LABEL },
    kafkaNodeTaint: { ...KAFKA_NODE_TAINT },
    kafkaNodeRoleLabel: { ...KAFKA_NODE_ROLE_LABEL },
    zoneLabel: ZONE_LABEL,
  };
}

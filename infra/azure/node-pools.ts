import * as pulumi from '@pulumi/pulumi';
import * as containerservice from '@pulumi/azure-native/containerservice';
import {
  KAFKA_NODE_LABEL,
  KAFKA_NODE_ROLE_LABEL,
  KAFKA_NODE_ROLES,
  KAFKA_NODE_TAINT,
  type KafkaNodeRole,
  type ZoneNodePlan,
} from '../cloud/kafka-nodes';
import { nodePoolDefaults } from './node-pool-defaults';
import type { AzureNames } from './names';

export interface AksKafkaNodePoolsArgs {
  resourceGroupName: pulumi.Input<string>;
  clusterName: pulumi.Input<string>;
  names: AzureNames;
  nodesSubnetId: pulumi.Input<string>;
  plan: ZoneNodePlan[];
  nodeSizes: Record<KafkaNodeRole, string>;
  tags: Record<string, string>;
}

/**
 * Kafka node pools: one per zone and role (brokers on the spec's size, controllers on the catalog's), each
 * pinned to its zone so a replaced node comes back where its broker's zonal disk is. Labelled and tainted so
 * only Kafka lands there. Fixed sizes (no autoscaler): Kafka capacity changes through the spec; upgrades
 * surge one node at a time so one broker at a time moves.
 */
export class AksKafkaNodePools extends pulumi.ComponentResource {
  readonly pools: containerservice.AgentPool[];

  constructor(name: string, args: AksKafkaNodePoolsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:azure:AksKafkaNodePools', name, {}, opts);
    const taint = `${KAFKA_NODE_TAINT.key}=${KAFKA_NODE_TAINT.value}:${KAFKA_NODE_TAINT.effect}`;
    this.pools = args.plan.flatMap((zonePlan) =>
      KAFKA_NODE_ROLES.map(
        (role) =>
          new containerservice.AgentPool(
            `${name}-${role}-${zonePlan.zone}`,
            {
              ...nodePoolDefaults(args.nodesSubnetId),
              resourceGroupName: args.resourceGroupName,
              resourceName: args.clusterName,
              agentPoolName: args.names.kafkaPool(role, zonePlan.zone),
              mode: 'User',
              vmSize: args.nodeSizes[role],
              count: zonePlan[role],
              enableAutoScaling: false,
              availabilityZones: [zonePlan.zone],
              nodeLabels: {
                [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value,
                [KAFKA_NODE_ROLE_LABEL.key]: KAFKA_NODE_ROLE_LABEL[role],
              },
              nodeTaints: [taint],
              upgradeSettings: { maxSurge: '1' },
              tags: args.tags,
            },
            { parent: this },
          ),
      ),
    );
    this.registerOutputs({ poolNames: this.pools.map((pool) => pool.name) });
  }
}

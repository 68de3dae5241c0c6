import * as pulumi from '@pulumi/pulumi';
import * as ec2 from '@pulumi/aws/ec2';
import * as eks from '@pulumi/aws/eks';
import {
  KAFKA_NODE_LABEL,
  KAFKA_NODE_ROLE_LABEL,
  KAFKA_NODE_ROLES,
  KAFKA_NODE_TAINT,
  type KafkaNodeRole,
  type ZoneNodePlan,
} from '../cloud/kafka-nodes';
import type { AwsNames } from './names';
import { eksAmiTypeFor, NODE_ROOT_VOLUME_GIB } from './versions';

export interface EksNodeGroupsArgs {
  region: string;
  names: AwsNames;
  clusterName: pulumi.Input<string>;
  kubernetesVersion: string;
  nodeRoleArn: pulumi.Input<string>;
  kmsKeyArn: pulumi.Input<string>;
  /** Private subnet ids in the order of `plan`'s zones. */
  privateSubnetIds: pulumi.Input<string>[];
  plan: ZoneNodePlan[];
  nodeSizes: Record<KafkaNodeRole, string>;
  systemPool: { nodeSize: string; nodeCount: number };
  tags: Record<string, string>;
}

/** The taint as the EKS API spells its effect. */
const EKS_TAINT_EFFECT = { NoSchedule: 'NO_SCHEDULE' } as const;

/**
 * Managed node groups: a system group over the three private subnets (operators, ingress, monitoring; the
 * ASG balances it one node per zone), and for Kafka one group per zone and role (brokers, controllers), each
 * in its zone's private subnet only, labelled and tainted so only Kafka lands there. A replaced node comes back
 * in the zone where its broker's EBS volume is. Sizes are fixed (min = desired = max): Kafka capacity changes
 * through the spec, not an autoscaler.
 */
export class EksNodeGroups extends pulumi.ComponentResource {
  readonly nodeGroups: eks.NodeGroup[];

  constructor(name: string, args: EksNodeGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:aws:EksNodeGroups', name, {}, opts);
    const { region, names, tags } = args;

    // Shared by every group: encrypted root volumes with the deployment key, IMDSv2 only with a hop limit of 1
    // (pods cannot reach the node role's credentials; the EBS CSI node plugin falls back to the Kubernetes
    // API for its metadata), and the deployment's tags on the instances and their volumes. No security groups
    // here, so EKS attaches its cluster security group (node-to-node and control-plane traffic).
    const launchTemplate = new ec2.LaunchTemplate(
      `${name}-nodes`,
      {
        region,
        name: names.launchTemplate,
        description: 'Streamplane EKS nodes: encrypted root volume, IMDSv2',
        updateDefaultVersion: true,
        blockDeviceMappings: [
          {
            deviceName: '/dev/xvda',
            ebs: {
              volumeSize: NODE_ROOT_VOLUME_GIB,
              volumeType: 'gp3',
              encrypted: 'true',
              kmsKeyId: args.kmsKeyArn,
              deleteOnTermination: 'true',
            },
          },
        ],
        metadataOptions: { httpEndpoint: 'enabled', httpTokens: 'required', httpPutResponseHopLimit: 1 },
        tagSpecifications: ['instance', 'volume', 'network-interface'].map((resourceType) => ({
          resourceType,
          tags,
        })),
        tags,
      },
      { parent: this },
    );
    const template = { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) };

    const group = (
      logicalName: string,
      nodeGroupName: string,
      nodeSize: string,
      count: number,
      subnetIds: pulumi.Input<string>[],
      kafka?: { role: KafkaNodeRole },
    ) =>
      new eks.NodeGroup(
        logicalName,
        {
          region,
          clusterName: args.clusterName,
          nodeGroupName,
          version: args.kubernetesVersion,
          nodeRoleArn: args.nodeRoleArn,
          subnetIds,
          instanceTypes: [nodeSize],
          amiType: eksAmiTypeFor(nodeSize),
          capacityType: 'ON_DEMAND',
          launchTemplate: template,
          scalingConfig: { minSize: count, desiredSize: count, maxSize: count },
          // One node at a time: Kafka keeps quorum and in-sync replicas while a node is replaced.
          updateConfig: { maxUnavailable: 1 },
          labels: kafka
            ? {
                [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value,
                [KAFKA_NODE_ROLE_LABEL.key]: KAFKA_NODE_ROLE_LABEL[kafka.role],
              }
            : { [KAFKA_NODE_LABEL.key]: 'system' },
          taints: kafka
            ? [
                {
                  key: KAFKA_NODE_TAINT.key,
                  value: KAFKA_NODE_TAINT.value,
                  effect: EKS_TAINT_EFFECT[KAFKA_NODE_TAINT.effect],
                },
              ]
            : [],
          tags,
        },
        { parent: this },
      );

    const system = group(
      `${name}-system`,
      names.systemNodeGroup,
      args.systemPool.nodeSize,
      args.systemPool.nodeCount,
      args.privateSubnetIds,
    );
    const kafka = args.plan.flatMap((zonePlan, index) =>
      KAFKA_NODE_ROLES.map((role) =>
        group(
          `${name}-${role}-${zonePlan.zone}`,
          names.kafkaNodeGroup(role, zonePlan.zone),
          args.nodeSizes[role],
          zonePlan[role],
          [args.privateSubnetIds[index]],
          { role },
        ),
      ),
    );
    this.nodeGroups = [system, ...kafka];
    this.registerOutputs({ nodeGroupNames: this.nodeGroups.map((nodeGroup) => nodeGroup.nodeGroupName) });
  }
}

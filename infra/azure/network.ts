import * as pulumi from '@pulumi/pulumi';
import * as network from '@pulumi/azure-native/network';
import { NODES_SUBNET_CIDR, VNET_CIDR } from './network-plan';

export interface AzureKafkaNetworkArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  vnetName: string;
  nodesSubnetName: string;
  tags: Record<string, string>;
}

/**
 * The deployment's VNet and the one subnet all node pools share (Azure CNI overlay, see network-plan.ts).
 * No network security group on the subnet: AKS manages the NSG of its nodes and opens there only what a
 * LoadBalancer Service asks for (the Kafka external listener); a subnet NSG would have to mirror those rules.
 * Outbound traffic goes through the cluster's load balancer, so the subnet has no default outbound access.
 */
export class AzureKafkaNetwork extends pulumi.ComponentResource {
  readonly vnetId: pulumi.Output<string>;
  readonly nodesSubnetId: pulumi.Output<string>;

  constructor(name: string, args: AzureKafkaNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:azure:KafkaNetwork', name, {}, opts);
    const vnet = new network.VirtualNetwork(
      `${name}-vnet`,
      {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: args.vnetName,
        location: args.location,
        addressSpace: { addressPrefixes: [VNET_CIDR] },
        tags: args.tags,
      },
      { parent: this },
    );
    const nodes = new network.Subnet(
      `${name}-nodes`,
      {
        resourceGroupName: args.resourceGroupName,
        virtualNetworkName: vnet.name,
        subnetName: args.nodesSubnetName,
        addressPrefix: NODES_SUBNET_CIDR,
        defaultOutboundAccess: false,
      },
      { parent: this },
    );
    this.vnetId = vnet.id;
    this.nodesSubnetId = nodes.id;
    this.registerOutputs({ vnetId: this.vnetId, nodesSubnetId: this.nodesSubnetId });
  }
}

import type { KafkaNodeRole } from '../cloud/kafka-nodes';
import { deploymentBaseName } from '../cloud/naming';

/** Physical names of a deployment's Azure resources (`streamplane-<slug>…`, like on AWS). */
export function azureNames(deploymentId: string) {
  const base = deploymentBaseName(deploymentId);
  return {
    base,
    resourceGroup: base,
    /** AKS creates this group for the VMs, disks and load balancers it manages. */
    nodeResourceGroup: `${base}-nodes`,
    cluster: base,
    dnsPrefix: base,
    vnet: `${base}-vnet`,
    nodesSubnet: 'nodes',
    clusterIdentity: `${base}-cluster`,
    systemPool: 'system',
    /** AKS pool names: lower-case letters and digits, at most 12 characters ('controllers1'). */
    kafkaPool: (role: KafkaNodeRole, zone: string) => `${role}${zone}`.replace(/[^a-z0-9]/g, '').slice(0, 12),
  };
}

export type AzureNames = ReturnType<typeof azureNames>;

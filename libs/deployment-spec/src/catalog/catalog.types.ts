import type { Cloud } from '../deployment-spec';

export interface Region {
  /** The cloud's own region id (`westeurope`, `eu-west-1`). */
  name: string;
  displayName: string;
  /** Availability zones a deployment may use: Azure '1' | '2' | '3'; AWS zone names such as 'eu-west-1a'. */
  zones: readonly string[];
}

export type NodeFamily = 'general-purpose' | 'memory-optimised';

export interface NodeSize {
  /** Azure VM size or EC2 instance type. */
  name: string;
  family: NodeFamily;
  vcpu: number;
  memoryGiB: number;
  /** Approximate on-demand Linux list price in the catalog's reference region (see `priceReference`). */
  pricePerHourUsd: number;
}

/** Where the prices come from. Every price in a catalog is an estimate, not a quote. */
export interface PriceReference {
  region: string;
  /** When the list prices were taken (year-month). */
  asOf: string;
  note: string;
}

/**
 * Everything Streamplane needs to know about one cloud to validate and price a deployment, kept as data.
 * One price per item, from the reference region: the estimate does not adjust for other regions.
 */
export interface CloudCatalog {
  cloud: Cloud;
  displayName: string;
  priceReference: PriceReference;
  regions: readonly Region[];
  /** Sizes for broker nodes, plus the smaller sizes the controller and system pools use. */
  nodeSizes: readonly NodeSize[];
  /** KRaft controllers: one per node, on a node size of this catalog, each with a small metadata volume. */
  controllerPool: { nodeSize: string; storageGiB: number };
  /** The system pool (operators, ingress-nginx, monitoring, the agent): one node per zone. */
  systemPool: { nodeSize: string; nodeCount: number };
  /** The managed Kubernetes control plane, one per deployment. */
  kubernetes: { description: string; pricePerHourUsd: number };
  /** Persistent volumes for brokers and controllers. */
  storage: { description: string; pricePerGiBMonthUsd: number };
  /** The OS disk every node gets. */
  osDisk: { description: string; sizeGiB: number; pricePerMonthUsd: number };
  /**
   * One Kubernetes Service of type LoadBalancer (ingress-nginx; Strimzi's external listener makes one per
   * broker plus a bootstrap), with how many public IPv4 addresses it holds.
   */
  loadBalancer: { description: string; pricePerHourUsd: number; publicIpv4Addresses: number };
  /** Outbound internet for the nodes: one gateway per zone, or one for the deployment. Each holds one public IPv4. */
  natGateway: { description: string; pricePerHourUsd: number; perZone: boolean };
  publicIpv4: { description: string; pricePerHourUsd: number };
}

import type { CloudCatalog, Region } from './catalog.types';

// Only regions with availability zones: a deployment spreads brokers over three zones.
const ZONES = ['1', '2', '3'] as const;

function zonal(name: string, displayName: string): Region {
  return { name, displayName, zones: ZONES };
}

/**
 * Microsoft Azure. PRICES ARE ESTIMATES: pay-as-you-go Linux list prices in East US (eastus), as published
 * around 2025-06, taken from memory of Azure's pricing pages, not fetched. Other regions are usually 5-30%
 * dearer; usage-based charges (data processed, egress, extra disk IOPS/throughput) are not included.
 */
export const AZURE_CATALOG: CloudCatalog = {
  cloud: 'azure',
  displayName: 'Microsoft Azure',
  priceReference: {
    region: 'eastus',
    asOf: '2025-06',
    note: 'Approximate pay-as-you-go list prices; estimates, not a quote',
  },
  regions: [
    zonal('eastus', 'East US'),
    zonal('eastus2', 'East US 2'),
    zonal('centralus', 'Central US'),
    zonal('westus2', 'West US 2'),
    zonal('westus3', 'West US 3'),
    zonal('canadacentral', 'Canada Central'),
    zonal('northeurope', 'North Europe'),
    zonal('westeurope', 'West Europe'),
    zonal('uksouth', 'UK South'),
    zonal('francecentral', 'France Central'),
    zonal('germanywestcentral', 'Germany West Central'),
    zonal('swedencentral', 'Sweden Central'),
    zonal('southeastasia', 'Southeast Asia'),
    zonal('japaneast', 'Japan East'),
    zonal('australiaeast', 'Australia East'),
  ],
  nodeSizes: [
    // Dsv5: general purpose, 4 GiB per vCPU. D2s_v5 is for controllers only (below the broker minimum).
    { name: 'Standard_D2s_v5', family: 'general-purpose', vcpu: 2, memoryGiB: 8, pricePerHourUsd: 0.096 },
    { name: 'Standard_D4s_v5', family: 'general-purpose', vcpu: 4, memoryGiB: 16, pricePerHourUsd: 0.192 },
    { name: 'Standard_D8s_v5', family: 'general-purpose', vcpu: 8, memoryGiB: 32, pricePerHourUsd: 0.384 },
    { name: 'Standard_D16s_v5', family: 'general-purpose', vcpu: 16, memoryGiB: 64, pricePerHourUsd: 0.768 },
    // Esv5: memory optimised, 8 GiB per vCPU: more page cache, which is what Kafka reads from.
    { name: 'Standard_E4s_v5', family: 'memory-optimised', vcpu: 4, memoryGiB: 32, pricePerHourUsd: 0.252 },
    { name: 'Standard_E8s_v5', family: 'memory-optimised', vcpu: 8, memoryGiB: 64, pricePerHourUsd: 0.504 },
    {
      name: 'Standard_E16s_v5',
      family: 'memory-optimised',
      vcpu: 16,
      memoryGiB: 128,
      pricePerHourUsd: 1.008,
    },
  ],
  // KRaft controllers hold only the metadata log: 2 vCPU / 8 GiB and a small volume are plenty.
  controllerPool: { nodeSize: 'Standard_D2s_v5', storageGiB: 20 },
  // Operators, ingress-nginx, kube-prometheus-stack and Grafana need more memory than a D2s_v5 leaves free.
  systemPool: { nodeSize: 'Standard_D4s_v5', nodeCount: 3 },
  kubernetes: {
    // Standard tier, not Free: it carries the 99.95% API-server SLA (with zones) and scales the control
    // plane; Microsoft does not recommend the Free tier for production.
    description: 'AKS Standard tier (uptime SLA)',
    pricePerHourUsd: 0.1,
  },
  storage: {
    // Premium SSD v2 is priced per GiB (like gp3) with 3,000 IOPS and 125 MB/s included; it needs zonal
    // VMs, which a deployment always has. StorageClass skuName PremiumV2_LRS.
    description: 'Premium SSD v2 managed disk',
    pricePerGiBMonthUsd: 0.081,
  },
  // Dsv5/Esv5 have no local disk for an ephemeral OS disk, so AKS gives each node a managed 128 GiB OS disk.
  osDisk: { description: 'Premium SSD P10 OS disk, 128 GiB', sizeGiB: 128, pricePerMonthUsd: 19.71 },
  loadBalancer: {
    // AKS puts every LoadBalancer Service on one shared Standard Load Balancer; a Service adds a rule
    // ($0.01/h beyond the first five, which cost $0.025/h together) and a frontend public IP.
    description: 'Standard Load Balancer rule (shared AKS load balancer)',
    pricePerHourUsd: 0.01,
    publicIpv4Addresses: 1,
  },
  // One NAT gateway (data processed, $0.045/GB, not included).
  natGateway: { description: 'NAT gateway', pricePerHourUsd: 0.045, perZone: false },
  publicIpv4: { description: 'Standard static public IPv4 address', pricePerHourUsd: 0.005 },
};

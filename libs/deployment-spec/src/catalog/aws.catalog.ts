import type { CloudCatalog, Region } from './catalog.types';

function region(name: string, displayName: string, zoneLetters: string): Region {
  return { name, displayName, zones: [...zoneLetters].map((letter) => `${name}${letter}`) };
}

/**
 * Amazon Web Services. PRICES ARE ESTIMATES: on-demand Linux list prices in US East (N. Virginia),
 * us-east-1, as published around 2025-06, taken from memory of AWS's pricing pages, not fetched. Other
 * regions are usually 5-30% dearer; usage-based charges (NLB LCUs, NAT data processed, egress, gp3 IOPS
 * or throughput above the baseline) are not included.
 *
 * Zones: AWS maps zone names to physical zones per account, and an account may not see every zone (or
 * every instance type in every zone). This is the static catalog; the connected account has the last word.
 */
export const AWS_CATALOG: CloudCatalog = {
  cloud: 'aws',
  displayName: 'Amazon Web Services',
  priceReference: {
    region: 'us-east-1',
    asOf: '2025-06',
    note: 'Approximate on-demand list prices; estimates, not a quote',
  },
  regions: [
    region('us-east-1', 'US East (N. Virginia)', 'abcdef'),
    region('us-east-2', 'US East (Ohio)', 'abc'),
    region('us-west-2', 'US West (Oregon)', 'abcd'),
    region('ca-central-1', 'Canada (Central)', 'abd'),
    region('eu-west-1', 'Europe (Ireland)', 'abc'),
    region('eu-west-2', 'Europe (London)', 'abc'),
    region('eu-west-3', 'Europe (Paris)', 'abc'),
    region('eu-central-1', 'Europe (Frankfurt)', 'abc'),
    region('eu-north-1', 'Europe (Stockholm)', 'abc'),
    region('ap-northeast-1', 'Asia Pacific (Tokyo)', 'acd'),
    region('ap-southeast-1', 'Asia Pacific (Singapore)', 'abc'),
    region('ap-southeast-2', 'Asia Pacific (Sydney)', 'abc'),
    region('ap-south-1', 'Asia Pacific (Mumbai)', 'abc'),
    region('sa-east-1', 'South America (São Paulo)', 'abc'),
    // us-west-1 is left out on purpose: new accounts get only two zones there.
  ],
  nodeSizes: [
    // m6i/m7i: general purpose, 4 GiB per vCPU. m6i.large is for controllers only (below the broker minimum).
    { name: 'm6i.large', family: 'general-purpose', vcpu: 2, memoryGiB: 8, pricePerHourUsd: 0.096 },
    { name: 'm6i.xlarge', family: 'general-purpose', vcpu: 4, memoryGiB: 16, pricePerHourUsd: 0.192 },
    { name: 'm6i.2xlarge', family: 'general-purpose', vcpu: 8, memoryGiB: 32, pricePerHourUsd: 0.384 },
    { name: 'm6i.4xlarge', family: 'general-purpose', vcpu: 16, memoryGiB: 64, pricePerHourUsd: 0.768 },
    { name: 'm7i.xlarge', family: 'general-purpose', vcpu: 4, memoryGiB: 16, pricePerHourUsd: 0.2016 },
    { name: 'm7i.2xlarge', family: 'general-purpose', vcpu: 8, memoryGiB: 32, pricePerHourUsd: 0.4032 },
    { name: 'm7i.4xlarge', family: 'general-purpose', vcpu: 16, memoryGiB: 64, pricePerHourUsd: 0.8064 },
    // r6i/r7i: memory optimised, 8 GiB per vCPU: more page cache, which is what Kafka reads from.
    { name: 'r6i.xlarge', family: 'memory-optimised', vcpu: 4, memoryGiB: 32, pricePerHourUsd: 0.252 },
    { name: 'r6i.2xlarge', family: 'memory-optimised', vcpu: 8, memoryGiB: 64, pricePerHourUsd: 0.504 },
    { name: 'r6i.4xlarge', family: 'memory-optimised', vcpu: 16, memoryGiB: 128, pricePerHourUsd: 1.008 },
    { name: 'r7i.xlarge', family: 'memory-optimised', vcpu: 4, memoryGiB: 32, pricePerHourUsd: 0.2646 },
    { name: 'r7i.2xlarge', family: 'memory-optimised', vcpu: 8, memoryGiB: 64, pricePerHourUsd: 0.5292 },
    { name: 'r7i.4xlarge', family: 'memory-optimised', vcpu: 16, memoryGiB: 128, pricePerHourUsd: 1.0584 },
  ],
  // KRaft controllers hold only the metadata log: 2 vCPU / 8 GiB and a small volume are plenty.
  controllerPool: { nodeSize: 'm6i.large', storageGiB: 20 },
  // Operators, ingress-nginx, kube-prometheus-stack and Grafana need more memory than an m6i.large leaves free.
  systemPool: { nodeSize: 'm6i.xlarge', nodeCount: 3 },
  // Standard support; a cluster left on a Kubernetes version in extended support costs $0.60/h instead.
  kubernetes: { description: 'EKS cluster (standard support)', pricePerHourUsd: 0.1 },
  storage: { description: 'EBS gp3 volume (3,000 IOPS, 125 MB/s included)', pricePerGiBMonthUsd: 0.08 },
  // The EKS managed node group default: a 20 GiB gp3 root volume.
  osDisk: { description: 'EBS gp3 root volume, 20 GiB', sizeGiB: 20, pricePerMonthUsd: 1.6 },
  loadBalancer: {
    // One Network Load Balancer per Service, internet-facing in the three public subnets: one public IPv4 each.
    description: 'Network Load Balancer (hourly charge; LCUs not included)',
    pricePerHourUsd: 0.0225,
    publicIpv4Addresses: 3,
  },
  // One NAT gateway per zone, so losing a zone does not cut the other zones' nodes off the internet.
  natGateway: { description: 'NAT gateway', pricePerHourUsd: 0.045, perZone: true },
  // AWS charges for every public IPv4 address, including a NAT gateway's Elastic IP and an NLB's addresses.
  publicIpv4: { description: 'Public IPv4 address', pricePerHourUsd: 0.005 },
};

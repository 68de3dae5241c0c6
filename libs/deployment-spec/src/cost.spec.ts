import { catalogFor } from './catalog/catalog';
import { estimateCostDelta, estimateMonthlyCost, type CostEstimate, type CostItem } from './cost';
import { defaultSpec } from './default-spec';
import { CLOUDS, type DeploymentSpec } from './deployment-spec';
import { DeploymentSpecError, DeploymentSpecErrorCode } from './deployment-spec.errors';

const amounts = (estimate: CostEstimate) =>
  Object.fromEntries(estimate.lines.map((line) => [line.item, line.monthlyUsd])) as Record<CostItem, number>;
const lineOf = (estimate: CostEstimate, item: CostItem) => estimate.lines.find((line) => line.item === item)!;
const cents = (usd: number) => Math.round(usd * 100);

describe('estimateMonthlyCost', () => {
  it('prices the default Azure spec line by line (worked by hand)', () => {
    // eastus, 3 × Standard_E4s_v5, 3 controllers, 500 GiB per broker, no external listener; 730 h.
    const estimate = estimateMonthlyCost(defaultSpec('azure'));
    expect(amounts(estimate)).toEqual({
      brokerNodes: 551.88, // 3 × 730 × 0.252
      controllerNodes: 210.24, // 3 × 730 × 0.096 (D2s_v5)
      systemNodes: 420.48, // 3 × 730 × 0.192 (D4s_v5)
      nodeOsDisks: 177.39, // 9 × 19.71
      kubernetesControlPlane: 73, // 730 × 0.10
      brokerStorage: 121.5, // 1500 GiB × 0.081
      controllerStorage: 4.86, // 60 GiB × 0.081
      loadBalancers: 7.3, // 1 × 730 × 0.01 (ingress-nginx)
      natGateways: 32.85, // 1 × 730 × 0.045
      publicIpv4Addresses: 7.3, // (1 NAT + 1 LB) × 730 × 0.005
      streamplaneFee: 219, // 3 × 730 × 0.10
    });
    expect(estimate.totalMonthlyUsd).toBe(1825.8);
    expect(estimate.cloudProviderMonthlyUsd).toBe(1606.8);
    expect(estimate.streamplaneMonthlyUsd).toBe(219);
    expect(estimate.priceReference.region).toBe('eastus');
  });

  it('prices an AWS spec, rounding each line to cents (worked by hand)', () => {
    const spec: DeploymentSpec = { ...defaultSpec('aws'), nodeSize: 'r7i.xlarge', storagePerBrokerGiB: 1000 };
    const estimate = estimateMonthlyCost(spec);
    expect(amounts(estimate)).toEqual({
      brokerNodes: 579.47, // 2190 node-hours × 0.2646 = 579.474
      controllerNodes: 210.24, // 2190 × 0.096 (m6i.large)
      systemNodes: 420.48, // 2190 × 0.192 (m6i.xlarge)
      nodeOsDisks: 14.4, // 9 × 1.60
      kubernetesControlPlane: 73, // 730 × 0.10
      brokerStorage: 240, // 3000 GiB × 0.08
      controllerStorage: 4.8, // 60 GiB × 0.08
      loadBalancers: 16.43, // 730 × 0.0225 = 16.425, half rounds up
      natGateways: 98.55, // 3 × 730 × 0.045
      publicIpv4Addresses: 21.9, // (3 NAT + 1 NLB × 3) × 730 × 0.005
      streamplaneFee: 219,
    });
    expect(estimate.totalMonthlyUsd).toBe(1898.27);
    expect(estimate.cloudProviderMonthlyUsd).toBe(1679.27);
  });

  it('describes each line with its quantity, unit and unit price', () => {
    const brokers = lineOf(estimateMonthlyCost(defaultSpec('aws')), 'brokerNodes');
    expect(brokers).toEqual({
      item: 'brokerNodes',
      payee: 'cloud-provider',
      description: '3 × r6i.xlarge (4 vCPU, 32 GiB), one broker per node',
      quantity: 2190,
      unit: 'node-hour',
      unitPriceUsd: 0.252,
      monthlyUsd: 551.88,
    });
    expect(lineOf(estimateMonthlyCost(defaultSpec('aws')), 'streamplaneFee').payee).toBe('streamplane');
  });

  it.each(CLOUDS)(
    'adds one load balancer per broker plus bootstrap for the external listener (%s)',
    (cloud) => {
      const internalOnly = { ...defaultSpec(cloud), brokers: 5 };
      const external = { ...internalOnly, listeners: { internal: true as const, external: true } };
      const ipsPerLoadBalancer = catalogFor(cloud).loadBalancer.publicIpv4Addresses;
      expect(lineOf(estimateMonthlyCost(internalOnly), 'loadBalancers').quantity).toBe(1 * 730);
      expect(lineOf(estimateMonthlyCost(external), 'loadBalancers').quantity).toBe((1 + 5 + 1) * 730);
      const extraIps =
        lineOf(estimateMonthlyCost(external), 'publicIpv4Addresses').quantity -
        lineOf(estimateMonthlyCost(internalOnly), 'publicIpv4Addresses').quantity;
      expect(extraIps).toBe(6 * ipsPerLoadBalancer * 730);
    },
  );

  it('has a NAT gateway per zone on AWS and one on Azure', () => {
    expect(lineOf(estimateMonthlyCost(defaultSpec('aws')), 'natGateways').quantity).toBe(3 * 730);
    expect(lineOf(estimateMonthlyCost(defaultSpec('azure')), 'natGateways').quantity).toBe(1 * 730);
  });

  it('totals exactly the sum of its rounded lines, for every node size and many shapes', () => {
    for (const cloud of CLOUDS) {
      for (const size of catalogFor(cloud).nodeSizes) {
        for (const brokers of [3, 7, 13, 30]) {
          const spec = {
            ...defaultSpec(cloud),
            nodeSize: size.name,
            brokers,
            storagePerBrokerGiB: 333 + brokers,
          };
          const estimate = estimateMonthlyCost({
            ...spec,
            listeners: { internal: true, external: brokers > 7 },
          });
          const sum = estimate.lines.reduce((total, line) => total + cents(line.monthlyUsd), 0);
          expect(cents(estimate.totalMonthlyUsd)).toBe(sum);
          expect(cents(estimate.cloudProviderMonthlyUsd) + cents(estimate.streamplaneMonthlyUsd)).toBe(sum);
          for (const line of estimate.lines) expect(cents(line.monthlyUsd) / 100).toBe(line.monthlyUsd);
        }
      }
    }
  });

  it('refuses a node size the catalog does not know', () => {
    expect(() => estimateMonthlyCost({ ...defaultSpec('aws'), nodeSize: 'x1e.32xlarge' })).toThrow(
      expect.objectContaining({
        problems: [expect.objectContaining({ code: DeploymentSpecErrorCode.UNKNOWN_NODE_SIZE })],
      }),
    );
    expect(() => estimateMonthlyCost({ ...defaultSpec('aws'), nodeSize: 'x1e.32xlarge' })).toThrow(
      DeploymentSpecError,
    );
  });
});

describe('estimateCostDelta', () => {
  it.each(CLOUDS)('prices scaling 3 → 6 brokers as three more brokers, their disks and fee (%s)', (cloud) => {
    const current = defaultSpec(cloud);
    const delta = estimateCostDelta(current, { ...current, brokers: 6 });
    const changed = Object.fromEntries(
      delta.lines
        .filter((line) => line.deltaMonthlyUsd !== 0)
        .map((line) => [line.item, line.deltaMonthlyUsd]),
    );
    const before = amounts(estimateMonthlyCost(current));
    // Doubling the brokers adds exactly what the first three cost, plus three more OS disks.
    expect(changed).toEqual({
      brokerNodes: before.brokerNodes,
      nodeOsDisks: cents(3 * catalogFor(cloud).osDisk.pricePerMonthUsd) / 100,
      brokerStorage: before.brokerStorage,
      streamplaneFee: before.streamplaneFee,
    });
    const sumOfLines = delta.lines.reduce((total, line) => total + cents(line.deltaMonthlyUsd), 0);
    expect(cents(delta.deltaMonthlyUsd)).toBe(sumOfLines);
    expect(cents(delta.deltaMonthlyUsd)).toBe(
      cents(delta.next.totalMonthlyUsd) - cents(delta.current.totalMonthlyUsd),
    );
  });

  it('shows a cheaper change as negative, and unchanged items as zero', () => {
    const current = { ...defaultSpec('aws'), nodeSize: 'r6i.2xlarge' };
    const delta = estimateCostDelta(current, { ...current, nodeSize: 'r6i.xlarge' });
    expect(delta.lines.find((line) => line.item === 'brokerNodes')).toMatchObject({
      currentMonthlyUsd: 1103.76, // 2190 × 0.504
      nextMonthlyUsd: 551.88,
      deltaMonthlyUsd: -551.88,
    });
    expect(delta.lines.filter((line) => line.deltaMonthlyUsd !== 0)).toHaveLength(1);
    expect(delta.deltaMonthlyUsd).toBe(-551.88);
  });
});

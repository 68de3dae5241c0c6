import { catalogFor, findNodeSize } from './catalog/catalog';
import type { NodeSize, PriceReference } from './catalog/catalog.types';
import type { Cloud, DeploymentSpec } from './deployment-spec';
import { DeploymentSpecError, DeploymentSpecErrorCode } from './deployment-spec.errors';

/** The month every estimate uses (365 × 24 / 12), as both clouds' price calculators do. */
export const HOURS_PER_MONTH = 730;

/**
 * Streamplane's own fee: per broker per hour, the same unit the metering pipeline counts (broker-hours), so
 * an estimate and an invoice line up. Controllers, storage and the rest are the customer's cloud bill only.
 */
export const STREAMPLANE_FEE_PER_BROKER_HOUR_USD = 0.1;

export type CostItem =
  | 'brokerNodes'
  | 'controllerNodes'
  | 'systemNodes'
  | 'nodeOsDisks'
  | 'kubernetesControlPlane'
  | 'brokerStorage'
  | 'controllerStorage'
  | 'loadBalancers'
  | 'natGateways'
  | 'publicIpv4Addresses'
  | 'streamplaneFee';

export type CostUnit =
  | 'node-hour'
  | 'cluster-hour'
  | 'disk-month'
  | 'GiB-month'
  | 'load-balancer-hour'
  | 'gateway-hour'
  | 'address-hour'
  | 'broker-hour';

/** Who bills the line: in BYOC the cloud provider bills the customer directly for the infrastructure. */
export type Payee = 'cloud-provider' | 'streamplane';

export interface CostLine {
  item: CostItem;
  payee: Payee;
  description: string;
  /** Per month, in `unit`s: `monthlyUsd` is `quantity × unitPriceUsd`, rounded to cents. */
  quantity: number;
  unit: CostUnit;
  unitPriceUsd: number;
  monthlyUsd: number;
}

export interface CostEstimate {
  cloud: Cloud;
  currency: 'USD';
  hoursPerMonth: number;
  /** Catalog prices are list-price estimates from this region; see the catalog for what is left out. */
  priceReference: PriceReference;
  /** Every item, always in the same order (zero-cost lines included), so two estimates line up. */
  lines: CostLine[];
  cloudProviderMonthlyUsd: number;
  streamplaneMonthlyUsd: number;
  /** The sum of the lines' rounded amounts. */
  totalMonthlyUsd: number;
}

/** Monthly list-price estimate of a deployment, line by line. */
export function estimateMonthlyCost(spec: DeploymentSpec): CostEstimate {
  const catalog = catalogFor(spec.cloud);
  const broker = brokerNodeSize(spec);
  const controller = catalogNodeSize(spec.cloud, catalog.controllerPool.nodeSize);
  const system = catalogNodeSize(spec.cloud, catalog.systemPool.nodeSize);
  const systemNodes = catalog.systemPool.nodeCount;
  const controllerGiB = catalog.controllerPool.storageGiB;
  const nodes = spec.brokers + spec.controllers + systemNodes;
  // ingress-nginx has one; Strimzi's `loadbalancer` listener adds one per broker plus one for bootstrap.
  const externalLoadBalancers = spec.listeners.external ? spec.brokers + 1 : 0;
  const loadBalancers = 1 + externalLoadBalancers;
  const natGateways = catalog.natGateway.perZone ? spec.zones.length : 1;
  const publicIps = natGateways + loadBalancers * catalog.loadBalancer.publicIpv4Addresses;
  const storage = catalog.storage;

  const lines = [
    line('brokerNodes', {
      description: `${spec.brokers} × ${nodeText(broker)}, one broker per node`,
      ...perHour(spec.brokers, 'node-hour', broker.pricePerHourUsd),
    }),
    line('controllerNodes', {
      description: `${spec.controllers} × ${nodeText(controller)}, KRaft controllers`,
      ...perHour(spec.controllers, 'node-hour', controller.pricePerHourUsd),
    }),
    line('systemNodes', {
      description: `${systemNodes} × ${nodeText(system)}, system pool (operators, ingress, monitoring, agent)`,
      ...perHour(systemNodes, 'node-hour', system.pricePerHourUsd),
    }),
    line('nodeOsDisks', {
      description: `${nodes} × ${catalog.osDisk.description}, one per node`,
      quantity: nodes,
      unit: 'disk-month',
      unitPriceUsd: catalog.osDisk.pricePerMonthUsd,
    }),
    line('kubernetesControlPlane', {
      description: catalog.kubernetes.description,
      ...perHour(1, 'cluster-hour', catalog.kubernetes.pricePerHourUsd),
    }),
    line('brokerStorage', {
      description: `${spec.brokers} × ${spec.storagePerBrokerGiB} GiB ${storage.description}`,
      quantity: spec.brokers * spec.storagePerBrokerGiB,
      unit: 'GiB-month',
      unitPriceUsd: storage.pricePerGiBMonthUsd,
    }),
    line('controllerStorage', {
      description: `${spec.controllers} × ${controllerGiB} GiB ${storage.description}`,
      quantity: spec.controllers * controllerGiB,
      unit: 'GiB-month',
      unitPriceUsd: storage.pricePerGiBMonthUsd,
    }),
    line('loadBalancers', {
      description: loadBalancerText(catalog.loadBalancer.description, externalLoadBalancers),
      ...perHour(loadBalancers, 'load-balancer-hour', catalog.loadBalancer.pricePerHourUsd),
    }),
    line('natGateways', {
      description: `${natGateways} × ${catalog.natGateway.description}${catalog.natGateway.perZone ? ', one per zone' : ''}`,
      ...perHour(natGateways, 'gateway-hour', catalog.natGateway.pricePerHourUsd),
    }),
    line('publicIpv4Addresses', {
      description: `${publicIps} × ${catalog.publicIpv4.description} (NAT gateways and load balancers)`,
      ...perHour(publicIps, 'address-hour', catalog.publicIpv4.pricePerHourUsd),
    }),
    line('streamplaneFee', {
      payee: 'streamplane',
      description: `Streamplane, $${STREAMPLANE_FEE_PER_BROKER_HOUR_USD.toFixed(2)} per broker-hour`,
      ...perHour(spec.brokers, 'broker-hour', STREAMPLANE_FEE_PER_BROKER_HOUR_USD),
    }),
  ];

  const sumFor = (payee?: Payee) => fromCents(sumCents(lines.filter((l) => !payee || l.payee === payee)));
  return {
    cloud: spec.cloud,
    currency: 'USD',
    hoursPerMonth: HOURS_PER_MONTH,
    priceReference: catalog.priceReference,
    lines,
    cloudProviderMonthlyUsd: sumFor('cloud-provider'),
    streamplaneMonthlyUsd: sumFor('streamplane'),
    totalMonthlyUsd: sumFor(),
  };
}

export interface CostLineDelta {
  item: CostItem;
  /** The next spec's description of the line. */
  description: string;
  currentMonthlyUsd: number;
  nextMonthlyUsd: number;
  /** Positive when the change costs more. */
  deltaMonthlyUsd: number;
}

export interface CostDelta {
  current: CostEstimate;
  next: CostEstimate;
  /** One per item, in the estimate's order; unchanged items have a delta of 0. */
  lines: CostLineDelta[];
  /** `next.totalMonthlyUsd - current.totalMonthlyUsd`, also the sum of the line deltas. */
  deltaMonthlyUsd: number;
}

/** What a change would do to the monthly estimate, item by item ("preview a change"). */
export function estimateCostDelta(current: DeploymentSpec, next: DeploymentSpec): CostDelta {
  const before = estimateMonthlyCost(current);
  const after = estimateMonthlyCost(next);
  const lines = after.lines.map((nextLine): CostLineDelta => {
    const currentCents = toCents(before.lines.find((l) => l.item === nextLine.item)?.monthlyUsd ?? 0);
    const nextCents = toCents(nextLine.monthlyUsd);
    return {
      item: nextLine.item,
      description: nextLine.description,
      currentMonthlyUsd: fromCents(currentCents),
      nextMonthlyUsd: fromCents(nextCents),
      deltaMonthlyUsd: fromCents(nextCents - currentCents),
    };
  });
  return {
    current: before,
    next: after,
    lines,
    deltaMonthlyUsd: fromCents(toCents(after.totalMonthlyUsd) - toCents(before.totalMonthlyUsd)),
  };
}

type LineInput = Pick<CostLine, 'description' | 'quantity' | 'unit' | 'unitPriceUsd'> & { payee?: Payee };

function line(item: CostItem, { payee = 'cloud-provider', ...input }: LineInput): CostLine {
  return { item, payee, ...input, monthlyUsd: fromCents(toCents(input.quantity * input.unitPriceUsd)) };
}

/** `count` things billed by the hour, for a month. */
function perHour(count: number, unit: CostUnit, unitPriceUsd: number) {
  return { quantity: count * HOURS_PER_MONTH, unit, unitPriceUsd };
}

// Money is summed in whole cents, so the total is exactly the sum of the rounded lines. toFixed(6) first
// removes binary noise (0.145 * 100 = 14.499999…) so halves round up as people expect.
function toCents(usd: number): number {
  return Math.round(Number((usd * 100).toFixed(6)));
}

function fromCents(cents: number): number {
  return cents / 100;
}

function sumCents(lines: readonly CostLine[]): number {
  return lines.reduce((sum, l) => sum + toCents(l.monthlyUsd), 0);
}

function nodeText(size: NodeSize): string {
  return `${size.name} (${size.vcpu} vCPU, ${size.memoryGiB} GiB)`;
}

function loadBalancerText(description: string, external: number): string {
  const forExternal =
    external > 0 ? ` and ${external} for the external listener (one per broker plus bootstrap)` : '';
  return `${description}: 1 for ingress-nginx${forExternal}`;
}

function brokerNodeSize(spec: DeploymentSpec): NodeSize {
  const size = findNodeSize(spec.cloud, spec.nodeSize);
  if (size) return size;
  const problem = {
    field: 'nodeSize',
    code: DeploymentSpecErrorCode.UNKNOWN_NODE_SIZE,
    message: `'${spec.nodeSize}' is not a node size Streamplane offers`,
  };
  throw DeploymentSpecError.of(DeploymentSpecErrorCode.INVALID_DEPLOYMENT_SPEC, 'Cannot price this spec', [
    problem,
  ]);
}

// The controller and system sizes come from the catalog itself; the catalog test proves they exist.
function catalogNodeSize(cloud: Cloud, name: string): NodeSize {
  const size = findNodeSize(cloud, name);
  if (!size) throw new Error(`The ${cloud} catalog names node size ${name} but does not list it`);
  return size;
}

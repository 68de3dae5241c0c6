import { ProvisioningError, ProvisioningErrorCode } from '../provisioning.errors';
import type { PlannedResource, ResourceOperation } from '../stack-engine';
import type { LocalStackState, StoredResource } from './local-state-store';
import type { ProgramGraph, ResourceNode } from './program-graph';

/**
 * What a simulated run will do, resource by resource: the program's graph compared with the stack's state.
 * Steps come in the order a run starts them (a parent and every dependency before the resource; ties in
 * registration order), so a preview is deterministic and lists exactly what `up` then does.
 */
export interface PlanStep {
  urn: string;
  type: string;
  name: string;
  parentUrn?: string;
  /** Provider-managed; components and the stack are logical and take no time. */
  custom: boolean;
  operation: ResourceOperation;
  diffs?: string[];
  /** URNs whose steps must succeed first (only those that are part of the same plan matter). */
  waitFor: string[];
  /**
   * 0: creates, updates, reads; 1: deletes (and retains) of resources the program no longer has, after
   * everything else.
   */
  phase: 0 | 1;
  node?: ResourceNode;
  stored?: StoredResource;
}

/**
 * Inputs whose change the local engine treats as a replacement. An approximation: real providers decide per
 * property (and a real preview says which); these are the ones that replace on every cloud we use.
 */
const REPLACE_ON_CHANGE = new Set([
  'location',
  'resourceGroupName',
  'availabilityZone',
  'availabilityZones',
  'zones',
  'cidrBlock',
  'vpcId',
  'dnsPrefix',
  'nodeGroupName',
  'clusterName',
]);

export function planUp(graph: ProgramGraph, state: LocalStackState | undefined): PlanStep[] {
  const stored = new Map((state?.resources ?? []).map((resource) => [resource.urn, resource]));
  const nodes = new Map(graph.nodes.map((node) => [node.urn, node]));
  const descendants = descendantsOf(graph.nodes);

  const desired: PlanStep[] = graph.nodes.map((node) => {
    const existing = stored.get(node.urn);
    const waitFor = new Set<string>();
    if (node.parentUrn && nodes.has(node.parentUrn)) waitFor.add(node.parentUrn);
    const own = descendants.get(node.urn) ?? new Set<string>();
    for (const dependency of node.dependencies) {
      const target = nodes.get(dependency);
      if (!target) continue;
      waitFor.add(dependency);
      // Depending on a component means depending on everything in it (as the Pulumi SDK expands it).
      if (!target.custom) {
        for (const inside of descendants.get(dependency) ?? []) {
          if (inside !== node.urn && !own.has(inside)) waitFor.add(inside);
        }
      }
    }
    const { operation, diffs } = operationFor(node, existing);
    return {
      urn: node.urn,
      type: node.type,
      name: node.name,
      ...(node.parentUrn ? { parentUrn: node.parentUrn } : {}),
      custom: node.custom,
      operation,
      ...(diffs.length > 0 ? { diffs } : {}),
      waitFor: [...waitFor],
      phase: 0,
      node,
      ...(existing ? { stored: existing } : {}),
    };
  });

  const removed = (state?.resources ?? []).filter((resource) => !nodes.has(resource.urn));
  return [...topologicalOrder(desired), ...deletionOrder(removed, 1)];
}

export function planDestroy(state: LocalStackState): PlanStep[] {
  // Resources looked up with `.get()` are not ours to delete: destroy only forgets them.
  return deletionOrder(
    state.resources.filter((resource) => resource.kind === 'register'),
    0,
  );
}

export function planRefresh(state: LocalStackState): PlanStep[] {
  const present = new Set(state.resources.map((resource) => resource.urn));
  return state.resources.map((resource) => ({
    ...identity(resource),
    operation: 'refresh' as const,
    waitFor: resource.parentUrn && present.has(resource.parentUrn) ? [resource.parentUrn] : [],
    phase: 0 as const,
    stored: resource,
  }));
}

export function toPlannedResources(steps: PlanStep[]): PlannedResource[] {
  return steps.map((step) => ({
    urn: step.urn,
    type: step.type,
    name: step.name,
    ...(step.parentUrn ? { parentUrn: step.parentUrn } : {}),
    operation: step.operation,
    ...(step.diffs ? { diffs: step.diffs } : {}),
  }));
}

function operationFor(
  node: ResourceNode,
  existing: StoredResource | undefined,
): { operation: ResourceOperation; diffs: string[] } {
  if (node.kind === 'read') return { operation: 'read', diffs: [] };
  if (!existing) return { operation: 'create', diffs: [] };
  const keys = new Set([...Object.keys(node.inputDigests), ...Object.keys(existing.inputDigests)]);
  const diffs = [...keys].filter((key) => node.inputDigests[key] !== existing.inputDigests[key]).sort();
  if (diffs.length === 0) return { operation: 'same', diffs };
  return { operation: diffs.some((key) => REPLACE_ON_CHANGE.has(key)) ? 'replace' : 'update', diffs };
}

/**
 * Deletes, dependants first: each waits for every resource that has it as parent or dependency. A resource
 * whose state says `retainOnDelete` is retained instead: dropped from the state, kept in the cloud.
 */
function deletionOrder(resources: StoredResource[], phase: 0 | 1): PlanStep[] {
  const urns = new Set(resources.map((resource) => resource.urn));
  const dependants = new Map<string, Set<string>>();
  for (const resource of resources) {
    for (const target of [resource.parentUrn, ...resource.dependencies]) {
      if (!target || !urns.has(target)) continue;
      if (!dependants.has(target)) dependants.set(target, new Set());
      dependants.get(target)!.add(resource.urn);
    }
  }
  // Stored order is creation order, a valid creation order; its reverse is a valid deletion order.
  return [...resources].reverse().map((resource) => ({
    ...identity(resource),
    operation: resource.retainOnDelete ? ('retain' as const) : ('delete' as const),
    waitFor: [...(dependants.get(resource.urn) ?? [])],
    phase,
    stored: resource,
  }));
}

function identity(resource: StoredResource) {
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    ...(resource.parentUrn ? { parentUrn: resource.parentUrn } : {}),
    custom: resource.custom,
  };
}

function descendantsOf(nodes: ResourceNode[]): Map<string, Set<string>> {
  const children = new Map<string, string[]>();
  for (const node of nodes) {
    if (!node.parentUrn) continue;
    if (!children.has(node.parentUrn)) children.set(node.parentUrn, []);
    children.get(node.parentUrn)!.push(node.urn);
  }
  const result = new Map<string, Set<string>>();
  const collect = (urn: string): Set<string> => {
    const cached = result.get(urn);
    if (cached) return cached;
    const all = new Set<string>();
    result.set(urn, all);
    for (const child of children.get(urn) ?? []) {
      all.add(child);
      for (const inner of collect(child)) all.add(inner);
    }
    return all;
  };
  for (const node of nodes) collect(node.urn);
  return result;
}

/** Kahn's algorithm; among the ready steps, the one registered first goes first. */
function topologicalOrder(steps: PlanStep[]): PlanStep[] {
  const inPlan = new Set(steps.map((step) => step.urn));
  const remaining = new Map(
    steps.map((step) => [step.urn, step.waitFor.filter((u) => inPlan.has(u)).length]),
  );
  const dependants = new Map<string, string[]>();
  for (const step of steps) {
    for (const target of step.waitFor) {
      if (!inPlan.has(target)) continue;
      if (!dependants.has(target)) dependants.set(target, []);
      dependants.get(target)!.push(step.urn);
    }
  }
  const position = new Map(steps.map((step, index) => [step.urn, index]));
  const byUrn = new Map(steps.map((step) => [step.urn, step]));
  const ready = steps.filter((step) => remaining.get(step.urn) === 0).map((step) => step.urn);
  const ordered: PlanStep[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => position.get(a)! - position.get(b)!);
    const urn = ready.shift()!;
    ordered.push(byUrn.get(urn)!);
    for (const dependant of dependants.get(urn) ?? []) {
      const left = remaining.get(dependant)! - 1;
      remaining.set(dependant, left);
      if (left === 0) ready.push(dependant);
    }
  }
  if (ordered.length !== steps.length) {
    const stuck = steps.filter((step) => !ordered.includes(step)).map((step) => step.urn);
    throw new ProvisioningError(
      ProvisioningErrorCode.PROGRAM_ERROR,
      `The program's resources depend on each other in a cycle: ${stuck.slice(0, 5).join(', ')}`,
    );
  }
  return ordered;
}

import type {
  DeploymentEventsSubscription,
  DeploymentStatus,
  DeploymentsChangedSubscription,
  OperationStatus,
  OperationType,
  ResourceProgressState,
} from '../generated/graphql';

export type DeploymentEvent = DeploymentEventsSubscription['deploymentEvents'];
export type ListEvent = DeploymentsChangedSubscription['deploymentsChanged'];

/** One cloud resource of the operation being followed, as its latest event left it. */
export interface ResourceRow {
  urn: string;
  name: string;
  type: string;
  action: string;
  state: ResourceProgressState;
  sequence: number;
  message: string | null;
  at: string;
}

export interface OperationRow {
  id: string;
  type: OperationType;
  status: OperationStatus;
  attempt: number;
  error: string | null;
  at: string;
}

/** The resources of one operation: the latest state of each, in the order they were first seen. */
export interface OperationResources {
  resources: Record<string, ResourceRow>;
  order: string[];
}

/**
 * What the deployment page follows live: the latest status, each operation's latest change, and each
 * operation's resources. Built from events and stored history in any order: per resource the highest
 * sequence wins, so a repeated or late event changes nothing.
 */
export interface LiveDeployment {
  status?: {
    status: DeploymentStatus;
    message: string | null;
    generation: number;
    observedGeneration: number;
    at: string;
  };
  operations: Record<string, OperationRow>;
  resourcesByOperation: Record<string, OperationResources>;
  /** Live events applied (to tell a live view from a loaded one). */
  received: number;
}

export const emptyLive: LiveDeployment = { operations: {}, resourcesByOperation: {}, received: 0 };
export const noResources: OperationResources = { resources: {}, order: [] };

const STATES: Record<string, ResourceProgressState> = {
  pending: 'PENDING',
  in_progress: 'IN_PROGRESS',
  succeeded: 'SUCCEEDED',
  failed: 'FAILED',
};

/** The stored state strings (`in_progress`) and the subscription's enum (`IN_PROGRESS`) as one. */
export function normaliseState(state: string): ResourceProgressState {
  return STATES[state.toLowerCase()] ?? 'PENDING';
}

export interface StoredResourceEvent {
  sequence: number;
  urn: string;
  type: string;
  name: string;
  operation: string;
  state: string;
  message?: string | null;
  time: string;
}

/** An operation's stored resource events merged in (as loaded from `resourceEvents`). */
export function withHistory(
  state: LiveDeployment,
  operationId: string,
  events: StoredResourceEvent[],
): LiveDeployment {
  let next = state;
  for (const event of events) {
    next = applyResource(next, operationId, {
      urn: event.urn,
      name: event.name,
      type: event.type,
      action: event.operation,
      state: normaliseState(event.state),
      sequence: event.sequence,
      message: event.message ?? null,
      at: event.time,
    });
  }
  return next;
}

function applyResource(state: LiveDeployment, operationId: string, row: ResourceRow): LiveDeployment {
  const current = state.resourcesByOperation[operationId] ?? noResources;
  const existing = current.resources[row.urn];
  if (existing && existing.sequence >= row.sequence) return state;
  return {
    ...state,
    resourcesByOperation: {
      ...state.resourcesByOperation,
      [operationId]: {
        resources: { ...current.resources, [row.urn]: row },
        order: existing ? current.order : [...current.order, row.urn],
      },
    },
  };
}

/** One live event applied: a pure function, so the page's view of a deployment is easy to test. */
export function liveReducer(state: LiveDeployment, event: DeploymentEvent): LiveDeployment {
  const received = state.received + 1;
  switch (event.__typename) {
    case 'DeploymentStatusChanged':
      if (state.status && Date.parse(state.status.at) > Date.parse(event.at)) return { ...state, received };
      return {
        ...state,
        received,
        status: {
          status: event.status,
          message: event.message ?? null,
          generation: event.generation,
          observedGeneration: event.observedGeneration,
          at: event.at,
        },
      };
    case 'OperationChanged': {
      const previous = state.operations[event.operationId];
      if (previous && Date.parse(previous.at) > Date.parse(event.at)) return { ...state, received };
      const operation: OperationRow = {
        id: event.operationId,
        type: event.type,
        status: event.operationStatus,
        attempt: event.attempt,
        error: event.error ?? null,
        at: event.at,
      };
      return { ...state, received, operations: { ...state.operations, [operation.id]: operation } };
    }
    case 'ResourceProgress':
      return {
        ...applyResource(state, event.operationId, {
          urn: event.urn,
          name: event.name,
          type: event.resourceType,
          action: event.action,
          state: event.state,
          sequence: event.sequence,
          message: event.message ?? null,
          at: event.at,
        }),
        received,
      };
    default:
      return { ...state, received };
  }
}

export function resourcesOf(state: LiveDeployment, operationId: string | undefined): OperationResources {
  return (operationId && state.resourcesByOperation[operationId]) || noResources;
}

export interface ResourceCounts {
  total: number;
  pending: number;
  inProgress: number;
  succeeded: number;
  failed: number;
}

export function countResources(state: OperationResources): ResourceCounts {
  const counts: ResourceCounts = { total: 0, pending: 0, inProgress: 0, succeeded: 0, failed: 0 };
  for (const urn of state.order) {
    const row = state.resources[urn];
    counts.total++;
    switch (row.state) {
      case 'PENDING':
        counts.pending++;
        break;
      case 'IN_PROGRESS':
        counts.inProgress++;
        break;
      case 'SUCCEEDED':
        counts.succeeded++;
        break;
      case 'FAILED':
        counts.failed++;
        break;
    }
  }
  return counts;
}

/** A deployment row of the list with a live event applied (status and the latest operation). */
export interface ListRow {
  id: string;
  status: DeploymentStatus;
  statusMessage?: string | null;
  updatedAt: string;
  activeOperation?: { type: OperationType; status: OperationStatus } | null;
}

export function applyListEvent<T extends ListRow>(
  rows: T[],
  event: ListEvent,
): { rows: T[]; unknown: boolean } {
  const index = rows.findIndex((row) => row.id === event.deploymentId);
  // A deployment this list has not loaded (someone else just ordered it): the caller re-reads the list.
  if (index < 0) return { rows, unknown: true };
  const row = rows[index];
  if (Date.parse(event.at) < Date.parse(row.updatedAt)) return { rows, unknown: false };
  let next: T = row;
  if (event.__typename === 'DeploymentStatusChanged') {
    next = { ...row, status: event.status, statusMessage: event.message ?? null, updatedAt: event.at };
  } else if (event.__typename === 'OperationChanged') {
    const active = event.operationStatus === 'RUNNING' || event.operationStatus === 'QUEUED';
    next = { ...row, activeOperation: active ? { type: event.type, status: event.operationStatus } : null };
  }
  const copy = rows.slice();
  copy[index] = next;
  return { rows: copy, unknown: false };
}

const IN_PROGRESS_LABEL: Record<string, string> = {
  create: 'creating',
  update: 'updating',
  delete: 'deleting',
  replace: 'replacing',
  read: 'reading',
  refresh: 'refreshing',
  // Removed from the stack but kept in the cloud (Pulumi retainOnDelete): a pipeline's kept topics.
  retain: 'retaining',
};
const DONE_LABEL: Record<string, string> = {
  create: 'created',
  update: 'updated',
  delete: 'deleted',
  replace: 'replaced',
  read: 'read',
  refresh: 'refreshed',
  same: 'unchanged',
  retain: 'kept (no longer managed)',
};

/** A resource's state in words: waiting, creating, created, failed (and the update/delete equivalents). */
export function resourceStateLabel(row: Pick<ResourceRow, 'state' | 'action'>): string {
  const action = row.action.toLowerCase();
  switch (row.state) {
    case 'PENDING':
      return 'waiting';
    case 'IN_PROGRESS':
      return IN_PROGRESS_LABEL[action] ?? 'in progress';
    case 'SUCCEEDED':
      return DONE_LABEL[action] ?? 'done';
    case 'FAILED':
      return 'failed';
  }
}

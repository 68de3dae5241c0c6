import { describe, expect, it } from 'vitest';
import {
  applyListEvent,
  countResources,
  emptyLive,
  liveReducer,
  resourcesOf,
  resourceStateLabel,
  withHistory,
  type DeploymentEvent,
  type LiveDeployment,
} from './live-state';

const at = (second: number) => new Date(Date.UTC(2026, 10, 22, 10, 0, second)).toISOString();

function resource(
  operationId: string,
  sequence: number,
  name: string,
  state: 'PENDING' | 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED',
  second = sequence,
): DeploymentEvent {
  return {
    __typename: 'ResourceProgress',
    kind: 'RESOURCE',
    deploymentId: 'd1',
    at: at(second),
    operationId,
    sequence,
    urn: `urn:${name}`,
    resourceType: 'aws:ec2/vpc:Vpc',
    name,
    action: 'create',
    state,
    message: state === 'FAILED' ? 'quota exceeded' : null,
  };
}

function status(value: 'PROVISIONING' | 'RUNNING' | 'FAILED', second: number): DeploymentEvent {
  return {
    __typename: 'DeploymentStatusChanged',
    kind: 'DEPLOYMENT_STATUS',
    deploymentId: 'd1',
    at: at(second),
    status: value,
    generation: 1,
    observedGeneration: value === 'RUNNING' ? 1 : 0,
    message: null,
  };
}

const apply = (events: DeploymentEvent[], from: LiveDeployment = emptyLive) =>
  events.reduce(liveReducer, from);

describe('the deployment page’s live view', () => {
  it('moves each resource to its latest state as events arrive', () => {
    const state = apply([
      resource('op1', 1, 'vpc', 'PENDING'),
      resource('op1', 2, 'vpc', 'IN_PROGRESS'),
      resource('op1', 3, 'subnet', 'PENDING'),
      resource('op1', 4, 'vpc', 'SUCCEEDED'),
    ]);
    const op = resourcesOf(state, 'op1');
    expect(op.order).toEqual(['urn:vpc', 'urn:subnet']);
    expect(op.resources['urn:vpc'].state).toBe('SUCCEEDED');
    expect(countResources(op)).toEqual({ total: 2, pending: 1, inProgress: 0, succeeded: 1, failed: 0 });
  });

  it('ignores a repeated or late event: the highest sequence wins', () => {
    const state = apply([
      resource('op1', 5, 'vpc', 'SUCCEEDED'),
      resource('op1', 2, 'vpc', 'IN_PROGRESS'),
      resource('op1', 5, 'vpc', 'SUCCEEDED'),
    ]);
    expect(resourcesOf(state, 'op1').resources['urn:vpc'].state).toBe('SUCCEEDED');
  });

  it('merges stored history and live events in either order to the same view', () => {
    const history = [
      {
        sequence: 1,
        urn: 'urn:vpc',
        type: 't',
        name: 'vpc',
        operation: 'create',
        state: 'in_progress',
        time: at(1),
      },
      {
        sequence: 3,
        urn: 'urn:vpc',
        type: 't',
        name: 'vpc',
        operation: 'create',
        state: 'succeeded',
        time: at(3),
      },
    ];
    const live = [resource('op1', 2, 'vpc', 'IN_PROGRESS'), resource('op1', 4, 'nat', 'FAILED')];
    const historyFirst = apply(live, withHistory(emptyLive, 'op1', history));
    const liveFirst = withHistory(apply(live), 'op1', history);
    expect(resourcesOf(historyFirst, 'op1').resources).toEqual(resourcesOf(liveFirst, 'op1').resources);
    expect(resourcesOf(liveFirst, 'op1').resources['urn:vpc'].state).toBe('SUCCEEDED');
    expect(countResources(resourcesOf(liveFirst, 'op1')).failed).toBe(1);
  });

  it('keeps each operation’s resources apart', () => {
    const state = apply([
      resource('op1', 1, 'vpc', 'SUCCEEDED'),
      resource('op2', 1, 'broker-4', 'IN_PROGRESS'),
    ]);
    expect(resourcesOf(state, 'op1').order).toEqual(['urn:vpc']);
    expect(resourcesOf(state, 'op2').order).toEqual(['urn:broker-4']);
    expect(resourcesOf(state, 'missing').order).toEqual([]);
  });

  it('keeps the newest status, whatever order the events arrive in', () => {
    expect(apply([status('PROVISIONING', 1), status('RUNNING', 9)]).status?.status).toBe('RUNNING');
    expect(apply([status('RUNNING', 9), status('PROVISIONING', 1)]).status?.status).toBe('RUNNING');
  });

  it('records operations by id, newest change winning', () => {
    const changed = (status: 'RUNNING' | 'FAILED', second: number): DeploymentEvent => ({
      __typename: 'OperationChanged',
      kind: 'OPERATION',
      deploymentId: 'd1',
      at: at(second),
      operationId: 'op1',
      type: 'SCALE',
      operationStatus: status,
      attempt: 1,
      error: status === 'FAILED' ? 'boom' : null,
    });
    expect(apply([changed('RUNNING', 1), changed('FAILED', 5)]).operations.op1).toMatchObject({
      status: 'FAILED',
      error: 'boom',
    });
    expect(apply([changed('FAILED', 5), changed('RUNNING', 1)]).operations.op1.status).toBe('FAILED');
  });

  it('says what a resource is doing in words', () => {
    expect(resourceStateLabel({ state: 'PENDING', action: 'create' })).toBe('waiting');
    expect(resourceStateLabel({ state: 'IN_PROGRESS', action: 'create' })).toBe('creating');
    expect(resourceStateLabel({ state: 'SUCCEEDED', action: 'create' })).toBe('created');
    expect(resourceStateLabel({ state: 'IN_PROGRESS', action: 'delete' })).toBe('deleting');
    expect(resourceStateLabel({ state: 'FAILED', action: 'update' })).toBe('failed');
  });
});

describe('the overview’s live list', () => {
  const rows = [
    { id: 'd1', status: 'PROVISIONING' as const, updatedAt: at(0), activeOperation: null },
    { id: 'd2', status: 'RUNNING' as const, updatedAt: at(0), activeOperation: null },
  ];

  it('updates the row a status event is about, and nothing else', () => {
    const { rows: next, unknown } = applyListEvent(rows, {
      ...status('RUNNING', 5),
      deploymentId: 'd1',
    });
    expect(unknown).toBe(false);
    expect(next[0]).toMatchObject({ id: 'd1', status: 'RUNNING' });
    expect(next[1]).toBe(rows[1]);
  });

  it('ignores an event older than the row', () => {
    const { rows: next } = applyListEvent(rows, {
      ...status('FAILED', 0),
      at: '2026-11-22T09:00:00.000Z',
      deploymentId: 'd2',
    });
    expect(next[1].status).toBe('RUNNING');
  });

  it('shows the running operation on its row', () => {
    const { rows: next } = applyListEvent(rows, {
      __typename: 'OperationChanged',
      kind: 'OPERATION',
      deploymentId: 'd2',
      at: at(5),
      operationId: 'op',
      type: 'SCALE',
      operationStatus: 'RUNNING',
      attempt: 1,
      error: null,
    });
    expect(next[1].activeOperation).toEqual({ type: 'SCALE', status: 'RUNNING' });
  });

  it('asks for a re-read when the event is about a deployment it has not loaded', () => {
    expect(
      applyListEvent(rows, { ...status('RUNNING', 5), deploymentId: 'someone-elses-new-one' }).unknown,
    ).toBe(true);
  });
});

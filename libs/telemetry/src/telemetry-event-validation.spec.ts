import { AGENT_EVENT_TYPES } from '@streamplane/agent-protocol';
import { validateTelemetryEvents } from './telemetry-event-validation';

const DEPLOYMENT = '0b7c9a52-5a55-4a55-8a55-1f2e3d4c5b6a';
const NOW = Date.parse('2026-11-23T14:00:00Z');
const window = { deploymentId: DEPLOYMENT, latestMs: NOW + 300_000 };

const checkpoint = (overrides: Record<string, unknown> = {}) => ({
  specversion: '1.0',
  id: 'checkpoint:1',
  source: `/deployments/${DEPLOYMENT}/agent`,
  type: AGENT_EVENT_TYPES.pipelineCheckpoint,
  subject: DEPLOYMENT,
  time: '2026-11-23T14:00:00Z',
  data: {
    pipelineId: '7e3c1f00-1111-4222-8333-444455556666',
    stage: 'clean',
    sequence: 3,
    observedAt: '2026-11-23T14:00:00Z',
    state: 'RUNNING',
    messagesPerSec: 1.5,
    lag: 0,
    lastOffset: 10,
  },
  ...overrides,
});

describe('telemetry event validation', () => {
  it('accepts a checkpoint with its data parsed by the agent-protocol schema', () => {
    const { events, rejected } = validateTelemetryEvents([checkpoint()], window);
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      { index: 0, id: 'checkpoint:1', kind: 'pipelineCheckpoint', data: checkpoint().data },
    ]);
  });

  it('gives each bad event its reason and position', () => {
    const items = [
      'not an event',
      checkpoint({ id: undefined }),
      checkpoint({ specversion: '0.3' }),
      checkpoint({ type: 'io.streamplane.not-a-type.v1' }),
      checkpoint({ subject: '11111111-1111-4111-8111-111111111111' }),
      checkpoint({ data: { ...checkpoint().data, state: 'SLEEPING' } }),
      checkpoint({ data: { ...checkpoint().data, observedAt: '2026-11-23T15:00:00Z' } }),
      checkpoint(),
      checkpoint(),
    ];
    const { events, rejected } = validateTelemetryEvents(items, window);
    expect(rejected.map((r) => [r.index, r.reason])).toEqual([
      [0, 'INVALID_ATTRIBUTE'],
      [1, 'MISSING_ATTRIBUTE'],
      [2, 'INVALID_ATTRIBUTE'],
      [3, 'UNKNOWN_TYPE'],
      [4, 'SUBJECT_NOT_ALLOWED'],
      [5, 'INVALID_DATA'],
      [6, 'IN_FUTURE'],
      [8, 'DUPLICATE_IN_BATCH'],
    ]);
    expect(rejected[5].message).toContain('data.state');
    expect(events.map((e) => e.index)).toEqual([7]);
  });
});

import type { ResourceEvent, StackRunResult } from '@streamplane/provisioning';
import { ContinuingEventSequence, combineRunResults, planKafkaUpgrade } from './upgrade-phases';

describe('planKafkaUpgrade', () => {
  it('pins the old metadata version for phase 1 when the versions have different ones', () => {
    expect(planKafkaUpgrade('4.2.1', '4.3.1')).toEqual({
      fromVersion: '4.2.1',
      toVersion: '4.3.1',
      pinned: '4.2-IV1',
      target: '4.3-IV0',
    });
  });

  it('needs one phase for versions that share a metadata version (a patch release)', () => {
    expect(planKafkaUpgrade('4.3.0', '4.3.1')).toMatchObject({ pinned: undefined, target: '4.3-IV0' });
  });

  it('refuses a version Strimzi does not know', () => {
    expect(() => planKafkaUpgrade('3.9.0', '4.3.1')).toThrow(
      'No KRaft metadata version known for Kafka 3.9.0',
    );
  });
});

describe('ContinuingEventSequence', () => {
  const event = (sequence: number): ResourceEvent => ({
    sequence,
    time: '2026-11-22T10:00:00.000Z',
    urn: `urn:${sequence}`,
    type: 't',
    name: 'n',
    operation: 'update',
    state: 'succeeded',
  });

  it("numbers a second run's events after the first run's", () => {
    const seen: number[] = [];
    const sequence = new ContinuingEventSequence((e) => seen.push(e.sequence));
    const first = sequence.nextRun();
    [1, 2, 3].forEach((n) => first(event(n)));
    const second = sequence.nextRun();
    [1, 2].forEach((n) => second(event(n)));
    expect(seen).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('combineRunResults', () => {
  const result = (created: number, updated: number, same: number, durationMs: number, outputs = {}) =>
    ({
      engine: 'local',
      simulated: true,
      summary: { created, updated, replaced: 0, deleted: 0, same },
      durationMs,
      outputs,
    }) as StackRunResult;

  it("adds up the changes and time, and keeps the last run's outputs", () => {
    const combined = combineRunResults([result(0, 3, 90, 10, { v: 1 }), result(0, 1, 92, 5, { v: 2 })]);
    expect(combined).toMatchObject({
      summary: { created: 0, updated: 4, replaced: 0, deleted: 0, same: 92 },
      durationMs: 15,
      outputs: { v: 2 },
    });
  });
});

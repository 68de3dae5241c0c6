import { parseAgentHealthReport } from './agent-health-store';
import { observationFromAgentReport } from './agent-reported-cluster-health-probe';

const now = new Date('2026-11-22T10:00:00.000Z');
const secondsAgo = (seconds: number) => new Date(now.getTime() - seconds * 1000);

describe('observationFromAgentReport', () => {
  it('has nothing to say without a report', () => {
    expect(observationFromAgentReport(undefined, 3, now, 120_000)).toEqual({
      kind: 'unknown',
      reason: 'no report from the data-plane agent yet',
    });
  });

  it('has nothing to say when the last report is older than the allowed age', () => {
    const report = { brokersReady: 3, underReplicatedPartitions: 0, observedAt: secondsAgo(121) };
    expect(observationFromAgentReport(report, 3, now, 120_000)).toEqual({
      kind: 'unknown',
      reason: `no recent report from the data-plane agent: the last one is from ${secondsAgo(121).toISOString()}, older than 120 s`,
    });
  });

  it("reports a recent report as observed, expecting the spec's brokers", () => {
    const report = { brokersReady: 2, underReplicatedPartitions: 5, observedAt: secondsAgo(120) };
    expect(observationFromAgentReport(report, 3, now, 120_000)).toEqual({
      kind: 'observed',
      health: {
        brokersReady: 2,
        brokersExpected: 3,
        underReplicatedPartitions: 5,
        observedAt: secondsAgo(120),
        simulated: false,
      },
    });
  });
});

describe('parseAgentHealthReport', () => {
  it('reads a stored hash back', () => {
    expect(
      parseAgentHealthReport({
        brokersReady: '3',
        underReplicatedPartitions: '0',
        observedAt: '2026-11-22T10:00:00.000Z',
      }),
    ).toEqual({ brokersReady: 3, underReplicatedPartitions: 0, observedAt: now });
  });

  it.each([
    ['nothing stored', {}],
    [
      'a negative count',
      { brokersReady: '-1', underReplicatedPartitions: '0', observedAt: now.toISOString() },
    ],
    ['no time', { brokersReady: '3', underReplicatedPartitions: '0' }],
    ['a bad time', { brokersReady: '3', underReplicatedPartitions: '0', observedAt: 'yesterday' }],
  ])('treats %s as no report', (_label, hash: Record<string, string>) => {
    expect(parseAgentHealthReport(hash)).toBeUndefined();
  });
});

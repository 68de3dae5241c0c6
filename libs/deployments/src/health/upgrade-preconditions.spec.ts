import type { ClusterHealth } from './cluster-health-probe';
import { judgeUpgradePreconditions } from './upgrade-preconditions';

const at = new Date('2026-11-22T10:00:00.000Z');
const observed = (health: Partial<ClusterHealth> = {}) => ({
  kind: 'observed' as const,
  health: {
    brokersReady: 3,
    brokersExpected: 3,
    underReplicatedPartitions: 0,
    observedAt: at,
    simulated: false,
    ...health,
  },
});

describe('judgeUpgradePreconditions', () => {
  it('holds with every broker ready and no under-replicated partition', () => {
    expect(judgeUpgradePreconditions(observed())).toEqual({ met: true, simulated: false });
    expect(judgeUpgradePreconditions(observed({ simulated: true }))).toEqual({ met: true, simulated: true });
  });

  it('names a broker that is not ready and under-replicated partitions, together', () => {
    expect(judgeUpgradePreconditions(observed({ brokersReady: 2, underReplicatedPartitions: 4 }))).toEqual({
      met: false,
      problems: ['2 of 3 brokers ready', '4 under-replicated partition(s)'],
    });
    expect(judgeUpgradePreconditions(observed({ underReplicatedPartitions: 1 }))).toEqual({
      met: false,
      problems: ['1 under-replicated partition(s)'],
    });
  });

  it('never treats an unknown state as healthy', () => {
    expect(
      judgeUpgradePreconditions({ kind: 'unknown', reason: 'no report from the data-plane agent yet' }),
    ).toEqual({ met: false, problems: ['no report from the data-plane agent yet'] });
  });

  it('between phases, refuses a healthy report taken before the roll', () => {
    const since = new Date(at.getTime() + 1);
    expect(judgeUpgradePreconditions(observed(), { observedSince: since })).toEqual({
      met: false,
      problems: [`no health report since ${since.toISOString()} (the latest is from ${at.toISOString()})`],
    });
    expect(judgeUpgradePreconditions(observed(), { observedSince: at })).toMatchObject({ met: true });
  });
});

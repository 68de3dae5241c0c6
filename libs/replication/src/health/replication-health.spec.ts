import { loadConfig } from '@streamplane/config';
import { directionHealth, linkHealth, switchPrechecks } from './replication-health';
import type { StoredReplicationHealth } from './replication-health-store';

/** The configured defaults (REPLICATION_* unset). */
const T = loadConfig({
  DATABASE_URL: 'postgresql://localhost/unused',
  AUTH_SECRET: 'x'.repeat(32),
  CREDENTIALS_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}`,
}).replication;

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const LINK = '33333333-3333-4333-8333-333333333333';
const now = new Date('2026-11-22T10:00:00Z');
const flow = { from: A, to: B, paused: false };

const stored = (
  ageSeconds: number,
  lags: number[],
  checkpoint: number | null = 10,
  reportedBy = B,
): StoredReplicationHealth => ({
  reportedBy,
  report: {
    linkId: LINK,
    observedAt: new Date(now.getTime() - ageSeconds * 1000).toISOString(),
    sourceDeploymentId: A,
    topics: lags.map((lag, index) => ({ topic: `t${index}`, lag })),
    lastCheckpointAgeSeconds: checkpoint,
    lastHeartbeatAgeSeconds: null,
  },
});

describe('replication health', () => {
  it('judges a direction by its receiving side’s latest report', () => {
    expect(directionHealth(flow, undefined, now, T).verdict).toBe('UNKNOWN');
    expect(directionHealth(flow, stored(5, [1, 3]), now, T)).toMatchObject({
      verdict: 'HEALTHY',
      maxLag: 3,
      totalLag: 4,
    });
    expect(directionHealth(flow, stored(T.staleAfterSeconds + 1, [0]), now, T).verdict).toBe('STALE');
    expect(directionHealth(flow, stored(5, [T.laggingAboveMessages + 1]), now, T).verdict).toBe('LAGGING');
    expect(directionHealth(flow, stored(5, [0], T.laggingCheckpointAgeSeconds + 1), now, T).verdict).toBe(
      'LAGGING',
    );
    expect(directionHealth(flow, stored(5, [0], null), now, T).verdict).toBe('LAGGING');
    // A report sent by the source side says nothing about what arrived on the target.
    expect(directionHealth(flow, stored(5, [0], 10, A), now, T).verdict).toBe('UNKNOWN');
  });

  it('gives the link its worst running direction’s verdict; paused directions are shown, not judged', () => {
    const back = { from: B, to: A, paused: true };
    const reports = new Map([[A, stored(5, [0])]]);
    const health = linkHealth([flow, back], reports, now, T);
    expect(health.verdict).toBe('HEALTHY');
    expect(health.directions.map((d) => d.verdict)).toEqual(['HEALTHY', 'UNKNOWN']);
    expect(linkHealth([flow, { ...back, paused: false }], reports, now, T).verdict).toBe('UNKNOWN');
  });

  it('lists every failed pre-check of a switch', () => {
    expect(
      switchPrechecks(directionHealth(flow, undefined, now, T), T).map((c) => [c.check, c.passed]),
    ).toEqual([['HEALTH_REPORTED', false]]);
    const failed = switchPrechecks(
      directionHealth(flow, stored(500, [T.failoverMaxLagMessages + 1], 9999), now, T),
      T,
    );
    expect(failed.filter((c) => !c.passed).map((c) => c.check)).toEqual([
      'HEALTH_FRESH',
      'LAG_WITHIN_BOUND',
      'CHECKPOINT_FRESH',
    ]);
    expect(
      switchPrechecks(directionHealth(flow, stored(1, [T.failoverMaxLagMessages]), now, T), T).every(
        (c) => c.passed,
      ),
    ).toBe(true);
  });
});

import type { ReplicationHealth } from '@streamplane/agent-protocol';
import type { ReplicationFlow } from '../spec/replication-link-spec';
import type { StoredReplicationHealth } from './replication-health-store';

export type HealthVerdict = 'HEALTHY' | 'LAGGING' | 'STALE' | 'UNKNOWN';

/**
 * When a link counts as healthy: AppConfig `replication` (REPLICATION_* variables).
 * - staleAfterSeconds: a report older than this says nothing about now.
 * - laggingAboveMessages / laggingCheckpointAgeSeconds: the health verdict (and the dashboard's colour).
 * - failoverMaxLagMessages / failoverMaxCheckpointAgeSeconds: the failover and failback pre-checks' bounds.
 * - alert*: the PrometheusRule thresholds rendered on the target cluster.
 */
export interface ReplicationThresholds {
  staleAfterSeconds: number;
  laggingAboveMessages: number;
  laggingCheckpointAgeSeconds: number;
  failoverMaxLagMessages: number;
  failoverMaxCheckpointAgeSeconds: number;
  alertReplicationLatencySeconds: number;
  alertCheckpointAgeSeconds: number;
}

/** One direction's health: its latest report judged against the thresholds. */
export interface DirectionHealth {
  from: string;
  to: string;
  paused: boolean;
  verdict: HealthVerdict;
  observedAt: string | null;
  ageSeconds: number | null;
  maxLag: number | null;
  totalLag: number | null;
  lastCheckpointAgeSeconds: number | null;
  topics: { topic: string; lag: number }[];
}

export interface LinkHealth {
  verdict: HealthVerdict;
  directions: DirectionHealth[];
}

const RANK: Record<HealthVerdict, number> = { HEALTHY: 0, LAGGING: 1, STALE: 2, UNKNOWN: 3 };

export function directionHealth(
  flow: ReplicationFlow,
  stored: StoredReplicationHealth | undefined,
  now: Date,
  thresholds: ReplicationThresholds,
): DirectionHealth {
  const base = { from: flow.from, to: flow.to, paused: flow.paused };
  // Only a report from the receiving side about this direction counts.
  const report: ReplicationHealth | undefined =
    stored && stored.reportedBy === flow.to ? stored.report : undefined;
  if (!report) {
    return {
      ...base,
      verdict: 'UNKNOWN',
      observedAt: null,
      ageSeconds: null,
      maxLag: null,
      totalLag: null,
      lastCheckpointAgeSeconds: null,
      topics: [],
    };
  }
  const ageSeconds = Math.max(0, Math.round((now.getTime() - Date.parse(report.observedAt)) / 1000));
  const lags = report.topics.map((topic) => topic.lag);
  const maxLag = lags.length ? Math.max(...lags) : 0;
  const totalLag = lags.reduce((sum, lag) => sum + lag, 0);
  const checkpointAge = report.lastCheckpointAgeSeconds;
  let verdict: HealthVerdict = 'HEALTHY';
  if (ageSeconds > thresholds.staleAfterSeconds) verdict = 'STALE';
  else if (
    maxLag > thresholds.laggingAboveMessages ||
    checkpointAge === null ||
    checkpointAge > thresholds.laggingCheckpointAgeSeconds
  ) {
    verdict = 'LAGGING';
  }
  return {
    ...base,
    verdict,
    observedAt: report.observedAt,
    ageSeconds,
    maxLag,
    totalLag,
    lastCheckpointAgeSeconds: checkpointAge,
    topics: report.topics,
  };
}

/** The link's verdict is its worst running direction's (paused directions are shown, not judged). */
export function linkHealth(
  flows: ReplicationFlow[],
  reports: Map<string, StoredReplicationHealth>,
  now: Date,
  thresholds: ReplicationThresholds,
): LinkHealth {
  const directions = flows.map((flow) => directionHealth(flow, reports.get(flow.from), now, thresholds));
  const judged = directions.filter((direction) => !direction.paused);
  const verdict = judged.reduce<HealthVerdict>(
    (worst, direction) => (RANK[direction.verdict] > RANK[worst] ? direction.verdict : worst),
    judged.length ? 'HEALTHY' : 'UNKNOWN',
  );
  return { verdict, directions };
}

/** One failover/failback pre-check, as the customer sees it when it fails. */
export interface PrecheckResult {
  check: 'HEALTH_REPORTED' | 'HEALTH_FRESH' | 'LAG_WITHIN_BOUND' | 'CHECKPOINT_FRESH';
  passed: boolean;
  detail: string;
}

/** Whether mirroring in `direction` is close enough to caught up to move clients across it. */
export function switchPrechecks(
  direction: DirectionHealth,
  thresholds: ReplicationThresholds,
): PrecheckResult[] {
  if (direction.observedAt === null) {
    return [
      { check: 'HEALTH_REPORTED', passed: false, detail: 'No health report from the receiving side yet.' },
    ];
  }
  return [
    {
      check: 'HEALTH_FRESH',
      passed: (direction.ageSeconds ?? Infinity) <= thresholds.staleAfterSeconds,
      detail: `Last report ${direction.ageSeconds}s old (at most ${thresholds.staleAfterSeconds}s).`,
    },
    {
      check: 'LAG_WITHIN_BOUND',
      passed: (direction.maxLag ?? Infinity) <= thresholds.failoverMaxLagMessages,
      detail: `Largest topic lag ${direction.maxLag} messages (at most ${thresholds.failoverMaxLagMessages}).`,
    },
    {
      check: 'CHECKPOINT_FRESH',
      passed:
        direction.lastCheckpointAgeSeconds !== null &&
        direction.lastCheckpointAgeSeconds <= thresholds.failoverMaxCheckpointAgeSeconds,
      detail: `Last consumer-offset checkpoint ${direction.lastCheckpointAgeSeconds ?? 'never'}s old (at most ${thresholds.failoverMaxCheckpointAgeSeconds}s).`,
    },
  ];
}

import type Redis from 'ioredis';

/** The latest health a deployment's data-plane agent reported (the agent itself is issue 7). */
export interface AgentHealthReport {
  brokersReady: number;
  underReplicatedPartitions: number;
  /** When the agent looked at the cluster. */
  observedAt: Date;
}

/** A report is rebuildable (the agent sends a new one every minute): it lives a day at most in Redis. */
const REPORT_TTL_SECONDS = 24 * 3600;

/**
 * Agents' health reports in Redis, one hash per deployment (`agent-health:<deployment id>` under the
 * configured key prefix): fast-changing and rebuildable, so Redis and not PostgreSQL (ARCHITECTURE.md). The
 * ingest endpoint writes it when agents exist; the provisioner reads it before and during an upgrade.
 */
export class AgentHealthStore {
  constructor(private readonly redis: Redis) {}

  async record(deploymentId: string, report: AgentHealthReport): Promise<void> {
    const key = agentHealthKey(deploymentId);
    await this.redis
      .multi()
      .hset(key, {
        brokersReady: String(report.brokersReady),
        underReplicatedPartitions: String(report.underReplicatedPartitions),
        observedAt: report.observedAt.toISOString(),
      })
      .expire(key, REPORT_TTL_SECONDS)
      .exec();
  }

  /** The latest report, or undefined when there is none (or it cannot be read: treated the same). */
  async read(deploymentId: string): Promise<AgentHealthReport | undefined> {
    return parseAgentHealthReport(await this.redis.hgetall(agentHealthKey(deploymentId)));
  }
}

export function agentHealthKey(deploymentId: string): string {
  return `agent-health:${deploymentId}`;
}

/** A stored hash back to a report; undefined for an empty or malformed one. */
export function parseAgentHealthReport(hash: Record<string, string>): AgentHealthReport | undefined {
  const brokersReady = count(hash.brokersReady);
  const underReplicatedPartitions = count(hash.underReplicatedPartitions);
  const observedAt = hash.observedAt ? new Date(hash.observedAt) : undefined;
  if (brokersReady === undefined || underReplicatedPartitions === undefined) return undefined;
  if (!observedAt || Number.isNaN(observedAt.getTime())) return undefined;
  return { brokersReady, underReplicatedPartitions, observedAt };
}

function count(value: string | undefined): number | undefined {
  if (value === undefined || !/^\d+$/.test(value)) return undefined;
  return Number(value);
}

import { AgentHeartbeat } from '@streamplane/agent-protocol';
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
 * Writes a heartbeat unless the stored report was observed at the same time or later (an agent's spool
 * replays old heartbeats after an outage: they must not overwrite the newest). KEYS[1] the hash; ARGV[1]
 * observedAt (epoch ms), ARGV[2] TTL, then field/value pairs.
 */
const RECORD_IF_NEWER = `
local current = tonumber(redis.call('HGET', KEYS[1], 'observedAtMs'))
if current and current >= tonumber(ARGV[1]) then
  return 0
end
for i = 3, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
return 1
`;

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
        observedAtMs: String(report.observedAt.getTime()),
      })
      .expire(key, REPORT_TTL_SECONDS)
      .exec();
  }

  /**
   * A heartbeat from the ingest endpoint: the fields the upgrade probe reads (`read`) and the whole
   * heartbeat (`readHeartbeat`), written only when it is newer than the stored report ('stale' otherwise).
   */
  async recordHeartbeat(deploymentId: string, heartbeat: AgentHeartbeat): Promise<'stored' | 'stale'> {
    const observedAt = new Date(heartbeat.observedAt);
    const fields: Record<string, string> = {
      brokersReady: String(heartbeat.brokersReady),
      underReplicatedPartitions: String(heartbeat.underReplicatedPartitions),
      observedAt: observedAt.toISOString(),
      observedAtMs: String(observedAt.getTime()),
      heartbeat: JSON.stringify(heartbeat),
    };
    const stored = (await this.redis.eval(
      RECORD_IF_NEWER,
      1,
      agentHealthKey(deploymentId),
      String(observedAt.getTime()),
      String(REPORT_TTL_SECONDS),
      ...Object.entries(fields).flat(),
    )) as number;
    return stored === 1 ? 'stored' : 'stale';
  }

  /** The latest heartbeat as the agent sent it, or undefined (none, or only a `record`ed report). */
  async readHeartbeat(deploymentId: string): Promise<AgentHeartbeat | undefined> {
    const json = await this.redis.hget(agentHealthKey(deploymentId), 'heartbeat');
    if (!json) return undefined;
    try {
      const parsed = AgentHeartbeat.safeParse(JSON.parse(json));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined; // not JSON: the next heartbeat replaces it
    }
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

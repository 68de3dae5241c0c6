import { Injectable } from '@nestjs/common';
import { ReplicationHealth } from '@streamplane/agent-protocol';
import { PrismaService, RedisService, setHashFieldIfNewer } from '@streamplane/db';

export type ReplicationHealthRecordResult = 'stored' | 'stale' | 'unknown-link';

/** Health is rebuildable (agents report every interval): a week without a report and it goes. */
const HEALTH_TTL_SECONDS = 7 * 24 * 3600;
const LINK_CACHE_MS = 30_000;
const LINK_CACHE_MAX = 10_000;

export const replicationHealthKey = (linkId: string): string => `replication-health:${linkId}`;

/** A stored report: the agent's, and which deployment's agent sent it. */
export interface StoredReplicationHealth {
  report: ReplicationHealth;
  reportedBy: string;
}

interface LinkEnds {
  orgId: string;
  deployments: Set<string>;
  cachedUntil: number;
}

/**
 * Replication health as the agents on the receiving side report it (libs/agent-protocol ReplicationHealth):
 * Redis hash `replication-health:<linkId>`, field = the direction's source deployment, value = the latest
 * report by `observedAt`. A report counts only for a live link of the reporting organization, sent by one of
 * the link's deployments about records coming from the other one.
 */
@Injectable()
export class ReplicationHealthStore {
  private readonly links = new Map<string, LinkEnds>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
  ) {}

  async record(
    orgId: string,
    deploymentId: string,
    report: ReplicationHealth,
  ): Promise<ReplicationHealthRecordResult> {
    const parsed = ReplicationHealth.safeParse(report);
    if (!parsed.success) return 'unknown-link';
    const link = await this.endsOf(parsed.data.linkId);
    if (!link || link.orgId !== orgId) return 'unknown-link';
    const from = parsed.data.sourceDeploymentId;
    if (!link.deployments.has(deploymentId) || !link.deployments.has(from) || from === deploymentId) {
      return 'unknown-link';
    }
    const observedAtMs = Date.parse(parsed.data.observedAt);
    // Per direction, the newest observation wins: a late or re-sent report never overwrites a newer one.
    const stored = await setHashFieldIfNewer(this.redis, {
      key: replicationHealthKey(parsed.data.linkId),
      field: from,
      value: { report: parsed.data, reportedBy: deploymentId, observedAtMs },
      orderProperty: 'observedAtMs',
      ttlSeconds: HEALTH_TTL_SECONDS,
    });
    return stored ? 'stored' : 'stale';
  }

  /** The latest report per direction (key: the deployment the records come from). */
  async read(linkId: string): Promise<Map<string, StoredReplicationHealth>> {
    const hash = await this.redis.hgetall(replicationHealthKey(linkId));
    const reports = new Map<string, StoredReplicationHealth>();
    for (const [from, json] of Object.entries(hash)) {
      try {
        const value = JSON.parse(json) as { report?: unknown; reportedBy?: unknown };
        const parsed = ReplicationHealth.safeParse(value.report);
        if (parsed.success && typeof value.reportedBy === 'string') {
          reports.set(from, { report: parsed.data, reportedBy: value.reportedBy });
        }
      } catch {
        // not JSON: skipped, the next report replaces it
      }
    }
    return reports;
  }

  /** Forgets the link's health (it was deleted, or mirroring changed direction). */
  async clear(linkId: string, direction?: string): Promise<void> {
    this.links.delete(linkId);
    if (direction) await this.redis.hdel(replicationHealthKey(linkId), direction);
    else await this.redis.del(replicationHealthKey(linkId));
  }

  private async endsOf(linkId: string): Promise<LinkEnds | undefined> {
    const now = Date.now();
    const cached = this.links.get(linkId);
    if (cached && cached.cachedUntil > now) return cached;
    const row = await this.prisma.replicationLink.findFirst({
      where: { id: linkId, live: true },
      select: { orgId: true, sourceDeploymentId: true, targetDeploymentId: true },
    });
    if (!row) {
      this.links.delete(linkId);
      return undefined;
    }
    const ends: LinkEnds = {
      orgId: row.orgId,
      deployments: new Set([row.sourceDeploymentId, row.targetDeploymentId]),
      cachedUntil: now + LINK_CACHE_MS,
    };
    if (this.links.size >= LINK_CACHE_MAX) this.links.clear();
    this.links.set(linkId, ends);
    return ends;
  }
}

import { Injectable } from '@nestjs/common';
import { PipelineCheckpoint } from '@streamplane/agent-protocol';
import { PrismaService, RedisService, setHashFieldIfNewer } from '@streamplane/db';
import { PipelineLivePublisher } from '../live/pipeline-live-publisher';
import type { PipelineSpec } from '../spec/pipeline-spec';

export type CheckpointRecordResult = 'stored' | 'stale' | 'unknown-pipeline';

/** Checkpoints are rebuildable (agents report every interval): a week without a report and they go. */
const CHECKPOINT_TTL_SECONDS = 7 * 24 * 3600;
/** How long which deployment a pipeline belongs to is remembered in-process (a deleted one stops counting then). */
const OWNER_CACHE_MS = 30_000;
const OWNER_CACHE_MAX = 10_000;

interface Owner {
  orgId: string;
  deploymentId: string;
  stages: Set<string>;
  cachedUntil: number;
}

export function pipelineCheckpointsKey(pipelineId: string): string {
  return `pipeline-checkpoints:${pipelineId}`;
}

/**
 * Pipeline stages' progress as the deployments' agents report it (Redis hash `pipeline-checkpoints:<id>`,
 * field = stage, value = the PipelineCheckpoint JSON): fast-changing and rebuildable, so Redis and not
 * PostgreSQL. A report counts only for a pipeline of the reporting deployment that is not deleted, and one
 * of its stages; each stored one is published for `pipelineStatus(id)`.
 */
@Injectable()
export class PipelineCheckpointStore {
  private readonly owners = new Map<string, Owner>();

  constructor(
    private readonly prisma: PrismaService,
    private readonly redis: RedisService,
    private readonly live: PipelineLivePublisher,
  ) {}

  async record(
    orgId: string,
    deploymentId: string,
    checkpoint: PipelineCheckpoint,
  ): Promise<CheckpointRecordResult> {
    let owner = await this.ownerOf(checkpoint.pipelineId);
    // A stage the remembered spec lacks may come from an update since: look again once.
    if (owner && !owner.stages.has(checkpoint.stage)) owner = await this.ownerOf(checkpoint.pipelineId, true);
    if (!owner || owner.orgId !== orgId || owner.deploymentId !== deploymentId) return 'unknown-pipeline';
    if (!owner.stages.has(checkpoint.stage)) return 'unknown-pipeline';
    // A late or re-sent report (a lower sequence) never overwrites a newer one.
    const stored = await setHashFieldIfNewer(this.redis, {
      key: pipelineCheckpointsKey(checkpoint.pipelineId),
      field: checkpoint.stage,
      value: checkpoint,
      orderProperty: 'sequence',
      ttlSeconds: CHECKPOINT_TTL_SECONDS,
    });
    if (!stored) return 'stale';
    await this.live.publish({
      kind: 'PIPELINE_CHECKPOINT',
      orgId,
      deploymentId,
      pipelineId: checkpoint.pipelineId,
      at: new Date().toISOString(),
      checkpoint,
    });
    return 'stored';
  }

  /** The latest checkpoint of each stage that has one (malformed entries are skipped). */
  async read(pipelineId: string): Promise<Map<string, PipelineCheckpoint>> {
    const hash = await this.redis.hgetall(pipelineCheckpointsKey(pipelineId));
    const checkpoints = new Map<string, PipelineCheckpoint>();
    for (const [stage, json] of Object.entries(hash)) {
      try {
        const parsed = PipelineCheckpoint.safeParse(JSON.parse(json));
        if (parsed.success) checkpoints.set(stage, parsed.data);
      } catch {
        // not JSON: skipped, the next report replaces it
      }
    }
    return checkpoints;
  }

  /** Forgets the pipeline's checkpoints (it was deleted). */
  async clear(pipelineId: string): Promise<void> {
    this.owners.delete(pipelineId);
    await this.redis.del(pipelineCheckpointsKey(pipelineId));
  }

  private async ownerOf(pipelineId: string, fresh = false): Promise<Owner | undefined> {
    const now = Date.now();
    const cached = this.owners.get(pipelineId);
    if (cached && cached.cachedUntil > now && !fresh) return cached;
    const row = await this.prisma.pipeline.findFirst({
      where: { id: pipelineId, live: true },
      select: { orgId: true, deploymentId: true, spec: true, appliedSpec: true },
    });
    if (!row) {
      this.owners.delete(pipelineId);
      return undefined;
    }
    const names = (spec: unknown) => ((spec as PipelineSpec | null)?.stages ?? []).map((stage) => stage.name);
    const owner: Owner = {
      orgId: row.orgId,
      deploymentId: row.deploymentId,
      stages: new Set([...names(row.spec), ...names(row.appliedSpec)]),
      cachedUntil: now + OWNER_CACHE_MS,
    };
    if (this.owners.size >= OWNER_CACHE_MAX) this.owners.clear();
    this.owners.set(pipelineId, owner);
    return owner;
  }
}

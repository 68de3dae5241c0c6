import { Injectable } from '@nestjs/common';
import { isTelemetryEventType } from '@streamplane/agent-protocol';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { AgentHealthStore } from '@streamplane/deployments';
import type { AgentPrincipal, BatchPart, IngestOutcome } from '@streamplane/metering';
import { PipelineCheckpointStore } from '@streamplane/pipelines';
import { ReplicationHealthStore } from '@streamplane/replication';
import { validateTelemetryEvents, type ValidTelemetryEvent } from './telemetry-event-validation';

/** Is this item of a batch telemetry (this service's) rather than usage (metering's)? */
export function isTelemetryEvent(item: unknown): boolean {
  return typeof item === 'object' && item !== null && isTelemetryEventType((item as { type?: unknown }).type);
}

/**
 * The telemetry part of an agent's batch (libs/agent-protocol): fast-changing, rebuildable state kept in
 * Redis, last report wins. A heartbeat goes to the deployment's AgentHealthStore hash, a pipeline
 * checkpoint to the PipelineCheckpointStore, a replication link's health to the ReplicationHealthStore. A report older than the stored one (a spool replayed after an
 * outage, a resend) is acknowledged as a duplicate and changes nothing, so the agent stops resending it.
 */
@Injectable()
export class TelemetryIngestService {
  constructor(
    private readonly health: AgentHealthStore,
    private readonly checkpoints: PipelineCheckpointStore,
    private readonly replication: ReplicationHealthStore,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  /** Positions in the outcome are the whole batch's (`part.indices`). */
  async ingestPart(agent: AgentPrincipal, part: BatchPart): Promise<IngestOutcome> {
    const outcome: IngestOutcome = { accepted: [], duplicates: [], rejected: [] };
    if (part.items.length === 0) return outcome;
    const { events, rejected } = validateTelemetryEvents(part.items, {
      deploymentId: agent.deploymentId,
      latestMs: Date.now() + this.config.ingest.maxFutureSkewSeconds * 1000,
    });
    for (const rejection of rejected)
      outcome.rejected.push({ ...rejection, index: part.indices[rejection.index] });
    // One at a time, in batch order: a batch holds one heartbeat and a checkpoint per stage.
    for (const event of events) {
      const at = { index: part.indices[event.index], id: event.id };
      const result = await this.store(agent, event);
      if (result === 'stored') outcome.accepted.push(at);
      else if (result === 'stale') outcome.duplicates.push(at);
      else if (result === 'unknown-link') {
        outcome.rejected.push({
          ...at,
          reason: 'UNKNOWN_LINK',
          message:
            'No such replication link between the deployment this agent token belongs to and data.sourceDeploymentId.',
        });
      } else {
        outcome.rejected.push({
          ...at,
          reason: 'UNKNOWN_PIPELINE',
          message: 'No such pipeline (or stage) on the deployment this agent token belongs to.',
        });
      }
    }
    const byIndex = (a: { index: number }, b: { index: number }) => a.index - b.index;
    outcome.rejected.sort(byIndex);
    return outcome;
  }

  private store(
    agent: AgentPrincipal,
    event: ValidTelemetryEvent,
  ): Promise<'stored' | 'stale' | 'unknown-pipeline' | 'unknown-link'> {
    switch (event.kind) {
      case 'heartbeat':
        return this.health.recordHeartbeat(agent.deploymentId, event.data);
      case 'pipelineCheckpoint':
        return this.checkpoints.record(agent.orgId, agent.deploymentId, event.data);
      case 'replicationHealth':
        return this.replication.record(agent.orgId, agent.deploymentId, event.data);
    }
  }
}

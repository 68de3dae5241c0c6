import {
  AGENT_EVENT_TYPES,
  type AgentHeartbeat,
  type PipelineCheckpoint,
  type ReplicationHealth,
} from '@streamplane/agent-protocol';

/** A CloudEvent (1.0, structured JSON) as the agent sends it to POST /v1/ingest/events. */
export interface AgentCloudEvent<T = unknown> {
  specversion: '1.0';
  id: string;
  source: string;
  type: string;
  subject: string;
  time: string;
  datacontenttype: 'application/json';
  data: T;
}

export interface UsageData {
  dimension: string;
  value: number;
  key?: string;
}

/** The source every event of a deployment's agent carries (the api deduplicates on source + id). */
export function agentSourceOf(deploymentId: string): string {
  return `/deployments/${deploymentId}/agent`;
}

/**
 * Ids are a function of what the event reports, never random: an event re-sent (from the spool, after a
 * lost response, by a restarted agent) has the same id, and the api acknowledges it as a duplicate.
 * - usage: dimension + interval start (+ what it is about: a pipeline, a device);
 * - heartbeat: the moment it observed;
 * - checkpoint: pipeline + stage + sequence.
 */
export function usageEvent(
  deploymentId: string,
  intervalStart: Date,
  data: UsageData,
  about?: string,
): AgentCloudEvent<UsageData> {
  const time = intervalStart.toISOString();
  return envelope(
    deploymentId,
    ['usage', data.dimension, time, ...(about === undefined ? [] : [about])].join(':'),
    AGENT_EVENT_TYPES.usage,
    time,
    data,
  );
}

export function heartbeatEvent(
  deploymentId: string,
  heartbeat: AgentHeartbeat,
): AgentCloudEvent<AgentHeartbeat> {
  return envelope(
    deploymentId,
    `heartbeat:${heartbeat.observedAt}`,
    AGENT_EVENT_TYPES.heartbeat,
    heartbeat.observedAt,
    heartbeat,
  );
}

export function checkpointEvent(
  deploymentId: string,
  checkpoint: PipelineCheckpoint,
): AgentCloudEvent<PipelineCheckpoint> {
  return envelope(
    deploymentId,
    `checkpoint:${checkpoint.pipelineId}:${checkpoint.stage}:${checkpoint.sequence}`,
    AGENT_EVENT_TYPES.pipelineCheckpoint,
    checkpoint.observedAt,
    checkpoint,
  );
}

/** One replication link's health as measured on this (receiving) deployment: one per link, direction and moment. */
export function replicationHealthEvent(
  deploymentId: string,
  health: ReplicationHealth,
): AgentCloudEvent<ReplicationHealth> {
  return envelope(
    deploymentId,
    `replication:${health.linkId}:${health.sourceDeploymentId}:${health.observedAt}`,
    AGENT_EVENT_TYPES.replicationHealth,
    health.observedAt,
    health,
  );
}

function envelope<T>(
  deploymentId: string,
  id: string,
  type: string,
  time: string,
  data: T,
): AgentCloudEvent<T> {
  return {
    specversion: '1.0',
    id,
    source: agentSourceOf(deploymentId),
    type,
    subject: deploymentId,
    time,
    datacontenttype: 'application/json',
    data,
  };
}

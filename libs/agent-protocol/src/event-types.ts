/**
 * The CloudEvents `type`s an agent sends to POST /v1/ingest/events (the contract between apps/agent and the
 * api). Usage events are durable facts (PostgreSQL, billed); the others are telemetry: fast-changing,
 * rebuildable state kept in Redis (ARCHITECTURE.md), last report wins.
 */
export const AGENT_EVENT_TYPES = {
  /** A metered quantity (libs/metering): `data` = { dimension, value, key? }. */
  usage: 'io.streamplane.usage.v1',
  /** The cluster as the agent sees it, every interval: `data` = AgentHeartbeat. */
  heartbeat: 'io.streamplane.agent.heartbeat.v1',
  /** One pipeline stage's progress: `data` = PipelineCheckpoint. */
  pipelineCheckpoint: 'io.streamplane.pipeline.checkpoint.v1',
  /** One replication link's health, reported on its target side: `data` = ReplicationHealth. */
  replicationHealth: 'io.streamplane.replication.health.v1',
} as const;

export type AgentEventType = (typeof AGENT_EVENT_TYPES)[keyof typeof AGENT_EVENT_TYPES];

/** Telemetry (not usage): validated by the schemas in this library, stored in Redis. */
export const TELEMETRY_EVENT_TYPES: readonly AgentEventType[] = [
  AGENT_EVENT_TYPES.heartbeat,
  AGENT_EVENT_TYPES.pipelineCheckpoint,
  AGENT_EVENT_TYPES.replicationHealth,
];

export function isTelemetryEventType(type: unknown): type is AgentEventType {
  return typeof type === 'string' && (TELEMETRY_EVENT_TYPES as readonly string[]).includes(type);
}

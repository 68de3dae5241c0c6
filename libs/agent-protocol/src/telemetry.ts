import { z } from 'zod';

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const rate = z.number().min(0).max(1e12);
const isoTime = z.iso.datetime({ offset: true });

/** What the agent saw of the cluster (kafkajs admin + the in-cluster Prometheus). */
export const AgentHeartbeat = z.strictObject({
  agentVersion: z.string().min(1).max(64),
  /** True when the report comes from `apps/agent --simulate` (a `local` deployment): nothing real was read. */
  simulated: z.boolean(),
  observedAt: isoTime,
  brokers: count,
  brokersReady: count,
  topics: count,
  partitions: count,
  underReplicatedPartitions: count,
  offlinePartitions: count,
  /** From Prometheus (kafka_server_brokertopicmetrics_*); null when Prometheus could not be read. */
  bytesInPerSec: rate.nullable(),
  bytesOutPerSec: rate.nullable(),
});
export type AgentHeartbeat = z.infer<typeof AgentHeartbeat>;

export const PIPELINE_STAGE_STATES = ['RUNNING', 'PAUSED', 'STALLED', 'ERROR'] as const;

/**
 * One stage of one pipeline at one moment. `sequence` grows by one per report of that stage (the agent
 * keeps it across restarts in its spool directory), so a late or re-sent report never overwrites a newer one.
 */
export const PipelineCheckpoint = z.strictObject({
  pipelineId: z.uuid(),
  stage: z.string().min(1).max(63),
  sequence: count,
  observedAt: isoTime,
  state: z.enum(PIPELINE_STAGE_STATES),
  /** Messages the stage wrote to its output topic per second over the last interval (end-offset deltas). */
  messagesPerSec: rate,
  /** Messages the stage's consumer group is behind its input topic's end offsets (0 for sources). */
  lag: count,
  /** Sum of the stage's output topic end offsets: the last processed position. */
  lastOffset: count,
  /** MQTT sources: distinct devices seen in the interval. */
  assetsSeen: count.optional(),
  error: z.string().max(500).optional(),
});
export type PipelineCheckpoint = z.infer<typeof PipelineCheckpoint>;

/** One replication link, measured on its target cluster (MirrorMaker 2's heartbeats and checkpoints). */
export const ReplicationHealth = z.strictObject({
  linkId: z.uuid(),
  observedAt: isoTime,
  /** Direction of the measurement: the deployment the records come from. */
  sourceDeploymentId: z.uuid(),
  /** Per mirrored topic: messages the remote topic is behind the source topic. */
  topics: z.array(z.strictObject({ topic: z.string().min(1).max(249), lag: count })).max(10_000),
  /** Age of the newest MirrorCheckpointConnector checkpoint (consumer offsets synced), seconds. */
  lastCheckpointAgeSeconds: count.nullable(),
  /** Age of the newest MirrorHeartbeatConnector heartbeat, seconds. */
  lastHeartbeatAgeSeconds: count.nullable(),
});
export type ReplicationHealth = z.infer<typeof ReplicationHealth>;

import type { AgentHeartbeat, PipelineCheckpoint } from '@streamplane/agent-protocol';
import type { AgentPipeline } from '../control-plane/agent-pipelines-client';
import { isInternalTopic, type ClusterObservation } from '../kafka/kafka-cluster-reader';
import { consumerLag } from '../measure/consumer-lag';
import { topicRates, totalEndOffset, type OffsetSample } from '../measure/offset-rates';
import { brokerCounts, partitionHealth } from '../measure/partition-health';
import { hourShare, type Interval } from '../measure/usage-interval';
import type { PrometheusReadings } from '../prometheus/prometheus-reader';
import { checkpointEvent, heartbeatEvent, usageEvent, type AgentCloudEvent } from './agent-events';

/** The offset samples a round leaves for the next one (rates are deltas between two rounds). */
export interface RoundSamples {
  /** End offsets per topic. */
  topics?: OffsetSample;
  /** Committed offsets per consumer group (keyed by group id). */
  groups?: OffsetSample;
}

export interface RoundInput {
  deploymentId: string;
  agentVersion: string;
  simulated: boolean;
  /** The interval whose usage this round reports (wall clock, aligned). */
  interval: Interval;
  observedAt: Date;
  /** undefined: the cluster could not be read this round. */
  observation: ClusterObservation | undefined;
  previous: RoundSamples;
  prometheus: PrometheusReadings;
  pipelines: readonly AgentPipeline[];
  /** `${pipelineId}/${stage}` → this round's sequence (see checkpointStages). */
  sequences: ReadonlyMap<string, number>;
}

export interface RoundOutput {
  heartbeat: AgentHeartbeat;
  checkpoints: PipelineCheckpoint[];
  /** Heartbeat, checkpoints, then usage: what the round sends. */
  events: AgentCloudEvent[];
  samples: RoundSamples;
}

const MAX_RATE = 1e12;
const GIB = 2 ** 30;

/** The stages a round reports checkpoints for (each takes a sequence before the round is built). */
export function checkpointStages(
  pipelines: readonly AgentPipeline[],
): { pipelineId: string; stage: string }[] {
  return pipelines.flatMap((p) => p.stages.map((s) => ({ pipelineId: p.id, stage: s.name })));
}

export function sequenceKey(pipelineId: string, stage: string): string {
  return `${pipelineId}/${stage}`;
}

/**
 * One round of measurement turned into what the agent reports — pure, so every rule is unit tested:
 * a heartbeat (always, even when Kafka could not be read: then it says no broker is ready), a checkpoint
 * per pipeline stage and the interval's usage (only from what was actually read this round).
 */
export function measurementRound(input: RoundInput): RoundOutput {
  const { observation, prometheus, interval, deploymentId } = input;
  const observedAt = input.observedAt.toISOString();
  const samples: RoundSamples = observation ? samplesOf(observation) : input.previous;
  const rates = observation ? topicRates(input.previous.topics, samples.topics!) : undefined;
  const consumed = observation ? topicRates(input.previous.groups, samples.groups!) : undefined;

  const health = observation ? partitionHealth(observation.topics) : undefined;
  const brokers = observation ? brokerCounts(observation.liveBrokerIds, observation.topics) : undefined;
  const heartbeat: AgentHeartbeat = {
    agentVersion: input.agentVersion,
    simulated: input.simulated,
    observedAt,
    brokers: brokers?.brokers ?? 0,
    brokersReady: brokers?.brokersReady ?? 0,
    topics: health?.topics ?? 0,
    partitions: health?.partitions ?? 0,
    underReplicatedPartitions: health?.underReplicatedPartitions ?? prometheus.underReplicatedPartitions ?? 0,
    offlinePartitions: health?.offlinePartitions ?? prometheus.offlinePartitions ?? 0,
    bytesInPerSec: rate(prometheus.bytesInPerSec),
    bytesOutPerSec: rate(prometheus.bytesOutPerSec),
  };

  const checkpoints: PipelineCheckpoint[] = [];
  if (observation) {
    for (const pipeline of input.pipelines) {
      for (const stage of pipeline.stages) {
        const sequence = input.sequences.get(sequenceKey(pipeline.id, stage.name));
        if (sequence === undefined) continue;
        const isSink = stage.kind.startsWith('sink.');
        const inputRanges = stage.inputTopic ? observation.ranges.get(stage.inputTopic) : undefined;
        const committed = stage.consumerGroup ? observation.committed.get(stage.consumerGroup) : undefined;
        const lag = stage.consumerGroup && inputRanges ? consumerLag(inputRanges, committed ?? new Map()) : 0;
        const consumeRate = stage.consumerGroup
          ? consumed?.get(stage.consumerGroup)?.messagesPerSec
          : undefined;
        // A sink's throughput is what it takes in (it may write outside Kafka); any other stage's is what it writes.
        const messagesPerSec =
          (isSink ? consumeRate : stage.outputTopic ? rates?.get(stage.outputTopic)?.messagesPerSec : 0) ?? 0;
        const lastOffset =
          isSink || !stage.outputTopic
            ? [...(committed?.values() ?? [])].reduce((sum, o) => sum + Math.max(0, o), 0)
            : totalEndOffset(samples.topics!.offsets, stage.outputTopic);
        const missingTopic = stage.inputTopic && !inputRanges ? stage.inputTopic : undefined;
        const checkpoint: PipelineCheckpoint = {
          pipelineId: pipeline.id,
          stage: stage.name,
          sequence,
          observedAt,
          state: pipeline.paused
            ? 'PAUSED'
            : missingTopic
              ? 'ERROR'
              : lag > 0 && consumeRate === 0
                ? 'STALLED' // messages wait and the group committed nothing over a whole interval
                : 'RUNNING',
          messagesPerSec: rate(messagesPerSec) ?? 0,
          lag,
          lastOffset,
        };
        if (stage.kind === 'source.mqtt') {
          const seen = prometheus.assetsByPipeline?.get(pipeline.id);
          if (seen) checkpoint.assetsSeen = new Set(seen).size;
        }
        if (missingTopic)
          checkpoint.error = `input topic ${missingTopic} not found on the cluster`.slice(0, 500);
        checkpoints.push(checkpoint);
      }
    }
  }

  const usage: AgentCloudEvent[] = [];
  const at = interval.start;
  const add = (dimension: string, value: number, about?: string, key?: string) =>
    usage.push(
      usageEvent(
        deploymentId,
        at,
        key === undefined ? { dimension, value } : { dimension, value, key },
        about,
      ),
    );
  if (observation && brokers && health) {
    add('broker_hours', hourShare(BigInt(brokers.brokers), interval));
    const userPartitions = observation.topics
      .filter((t) => !isInternalTopic(t.name))
      .reduce((sum, t) => sum + t.partitions.length, 0);
    add('partition_hours', hourShare(BigInt(userPartitions), interval));
  }
  if (prometheus.storageBytes !== null) {
    add('storage_gb_hours', hourShare(BigInt(Math.round(prometheus.storageBytes / GIB)), interval));
  }
  if (prometheus.bytesInPerSec !== null) {
    add('ingress_bytes', Math.round(prometheus.bytesInPerSec * interval.seconds));
  }
  if (prometheus.bytesOutPerSec !== null) {
    add('egress_bytes', Math.round(prometheus.bytesOutPerSec * interval.seconds));
  }
  for (const pipeline of input.pipelines) {
    if (!pipeline.paused) add('pipeline_hours', hourShare(1n, interval), pipeline.id);
  }
  const devices = new Set(input.pipelines.flatMap((p) => prometheus.assetsByPipeline?.get(p.id) ?? []));
  for (const device of [...devices].sort()) add('connected_assets', 1, device, device);

  return {
    heartbeat,
    checkpoints,
    events: [
      heartbeatEvent(deploymentId, heartbeat),
      ...checkpoints.map((c) => checkpointEvent(deploymentId, c)),
      ...usage,
    ],
    samples,
  };
}

function samplesOf(observation: ClusterObservation): Required<RoundSamples> {
  const topics = new Map<string, Map<number, number>>();
  for (const [topic, ranges] of observation.ranges) {
    topics.set(topic, new Map([...ranges].map(([partition, range]) => [partition, range.high])));
  }
  const groups = new Map<string, Map<number, number>>();
  for (const [group, committed] of observation.committed) {
    // No committed offset yet (−1) is no baseline: that partition counts from its first commit on.
    groups.set(group, new Map([...committed].filter(([, offset]) => offset >= 0)));
  }
  return {
    topics: { monotonicMs: observation.monotonicMs, offsets: topics },
    groups: { monotonicMs: observation.monotonicMs, offsets: groups },
  };
}

/** A rate as the protocol takes it: finite, 0..1e12, three decimals; null stays null. */
function rate(value: number | null): number | null {
  if (value === null || !Number.isFinite(value)) return null;
  return Math.round(Math.min(MAX_RATE, Math.max(0, value)) * 1000) / 1000;
}

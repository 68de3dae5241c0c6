import type { PipelineCheckpoint } from '@streamplane/agent-protocol';
import type { Pipeline } from '@streamplane/db';
import {
  layoutOf,
  PIPELINE_TOPIC_REPLICAS,
  DEFAULT_LAG_THRESHOLD,
  roleOf,
  visibleSpecOf,
  type PipelineLiveEvent,
} from '@streamplane/pipelines';
import {
  PipelineEventKind,
  PipelineStatus,
  type PipelineModel,
  type PipelineSpecInput,
  type PipelineStageCheckpointModel,
  type PipelineStageInput,
  type PipelineStatusEventModel,
  type PipelineTopicSettingsInput,
  type PipelineTotalsModel,
  type UpdatePipelineInput,
} from '../models/pipeline.model';

/** A stored pipeline as the API shows it: the desired spec with secrets as { set: true }, and its layout. */
export function pipelineModel(row: Pipeline): PipelineModel {
  const spec = visibleSpecOf(row);
  const layout = layoutOf(spec);
  return {
    id: row.id,
    deploymentId: row.deploymentId,
    name: row.name,
    description: row.description,
    status: row.status,
    statusMessage: row.statusMessage,
    generation: row.generation,
    appliedGeneration: row.appliedGeneration,
    desiredState: row.desiredState,
    appliedState: row.appliedState,
    deleteTopics: row.deleteTopics,
    topics: { ...spec.topics, replicationFactor: PIPELINE_TOPIC_REPLICAS },
    stages: spec.stages.map((stage, index) => ({
      name: stage.name,
      kind: stage.kind,
      role: roleOf(stage.kind),
      options: stage.options,
      inputTopic: layout[index].inputTopic ?? null,
      outputTopic: layout[index].outputTopic ?? null,
      deadLetterTopic: layout[index].deadLetterTopic ?? null,
      consumerGroup: layout[index].consumerGroup ?? null,
      lagThreshold: stage.scaling?.lagThreshold ?? DEFAULT_LAG_THRESHOLD,
      maxReplicas: stage.scaling?.maxReplicas ?? null,
    })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

export function checkpointModel(checkpoint: PipelineCheckpoint): PipelineStageCheckpointModel {
  return {
    stage: checkpoint.stage,
    sequence: checkpoint.sequence,
    state: checkpoint.state,
    messagesPerSec: checkpoint.messagesPerSec,
    lag: checkpoint.lag,
    lastOffset: checkpoint.lastOffset,
    assetsSeen: checkpoint.assetsSeen ?? null,
    error: checkpoint.error ?? null,
    observedAt: new Date(checkpoint.observedAt),
  };
}

/** Throughput is what the sink writes out; lag is summed over the stages. */
export function totalsOf(
  pipeline: PipelineModel,
  checkpoints: Map<string, PipelineCheckpoint>,
): PipelineTotalsModel {
  const sink = pipeline.stages[pipeline.stages.length - 1];
  const all = [...checkpoints.values()];
  const newest = all.reduce<number | null>((max, c) => {
    const time = Date.parse(c.observedAt);
    return max === null || time > max ? time : max;
  }, null);
  return {
    throughputPerSec: (sink && checkpoints.get(sink.name)?.messagesPerSec) ?? 0,
    totalLag: all.reduce((sum, c) => sum + c.lag, 0),
    observedAt: newest === null ? null : new Date(newest),
  };
}

export function pipelineEventModel(event: PipelineLiveEvent): PipelineStatusEventModel {
  const base = { pipelineId: event.pipelineId, deploymentId: event.deploymentId, at: new Date(event.at) };
  if (event.kind === 'PIPELINE_STATUS') {
    return {
      ...base,
      kind: PipelineEventKind.STATUS,
      status: event.status as PipelineStatus,
      generation: event.generation,
      appliedGeneration: event.appliedGeneration,
      message: event.message,
      checkpoint: null,
    };
  }
  return {
    ...base,
    kind: PipelineEventKind.CHECKPOINT,
    status: null,
    generation: null,
    appliedGeneration: null,
    message: null,
    checkpoint: checkpointModel(event.checkpoint),
  };
}

/** GraphQL's spec input to the domain's shape (absent optionals left out, so defaults apply). */
export function specFromInput(input: PipelineSpecInput | (UpdatePipelineInput & { name?: string })) {
  return compact({
    name: 'name' in input ? input.name : undefined,
    description: input.description,
    topics: input.topics ? topicsFromInput(input.topics) : undefined,
    stages: input.stages.map(stageFromInput),
  });
}

function topicsFromInput(topics: PipelineTopicSettingsInput) {
  return compact({
    partitions: topics.partitions,
    retentionHours: topics.retentionHours,
    cleanupPolicy: topics.cleanupPolicy,
  });
}

function stageFromInput(stage: PipelineStageInput) {
  const scaling = compact({ lagThreshold: stage.lagThreshold, maxReplicas: stage.maxReplicas });
  return compact({
    name: stage.name,
    kind: stage.kind,
    options: stage.options,
    outputTopic: stage.outputTopic,
    scaling: Object.keys(scaling).length > 0 ? scaling : undefined,
  });
}

function compact<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(record).filter(([, value]) => value !== null && value !== undefined),
  ) as Partial<T>;
}

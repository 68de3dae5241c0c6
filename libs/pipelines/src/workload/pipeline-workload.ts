import type { PipelineStageWorkload, PipelineTopic, PipelineWorkload } from '@streamplane/infra';
import type { CredentialCipher } from '@streamplane/secrets';
import { stageRunnerSettings } from '../secrets/pipeline-secrets';
import type { PipelineSpec } from '../spec/pipeline-spec';
import { layoutOf } from '../spec/topic-layout';

/** Every pipeline topic has three replicas; min.insync.replicas (2) comes from the cluster's defaults. */
export const PIPELINE_TOPIC_REPLICAS = 3;
export const DEFAULT_LAG_THRESHOLD = 1000;

export interface WorkloadOptions {
  /** The stage runner's image (config `PIPELINE_RUNNER_IMAGE`). */
  image: string;
  paused: boolean;
  /** Keep the topics in the cluster when the pipeline or a topic is removed. */
  retainTopics: boolean;
  /** Opens the sealed secrets for the run; absent for a preview (placeholders instead). */
  cipher?: CredentialCipher;
}

/**
 * A pipeline as the infra program deploys it: its topics, and a runner per stage that reads exactly its
 * input topic (in its consumer group) and writes exactly its own topics. A source.kafka stage only names
 * the topic the next stage reads: it runs nothing.
 */
export function toPipelineWorkload(
  pipeline: { id: string; spec: PipelineSpec },
  options: WorkloadOptions,
): PipelineWorkload {
  const { spec } = pipeline;
  const layout = layoutOf(spec);
  const topics: PipelineTopic[] = layout
    .flatMap((stage) => stage.createdTopics)
    .map((topicName) => ({
      topicName,
      partitions: spec.topics.partitions,
      replicas: PIPELINE_TOPIC_REPLICAS,
      retentionMs: spec.topics.retentionHours * 3600_000,
      cleanupPolicy: spec.topics.cleanupPolicy,
      retainOnDelete: options.retainTopics,
    }));
  const stages: PipelineStageWorkload[] = [];
  spec.stages.forEach((stage, index) => {
    if (stage.kind === 'source.kafka') return;
    const place = layout[index];
    const { config, secretEnv } = stageRunnerSettings(stage, pipeline.id, options.cipher);
    const consumes = place.inputTopic !== undefined;
    const maxReplicas = consumes
      ? Math.min(stage.scaling?.maxReplicas ?? spec.topics.partitions, spec.topics.partitions)
      : 1;
    stages.push({
      name: stage.name,
      kind: stage.kind,
      image: options.image,
      config: {
        kind: stage.kind,
        ...config,
        ...(place.deadLetterTopic ? { deadLetterTopic: place.deadLetterTopic } : {}),
      },
      ...(Object.keys(secretEnv).length > 0 ? { secretEnv } : {}),
      ...(place.inputTopic !== undefined ? { inputTopic: place.inputTopic } : {}),
      ...(place.outputTopic !== undefined ? { outputTopic: place.outputTopic } : {}),
      ...(place.consumerGroup !== undefined ? { consumerGroup: place.consumerGroup } : {}),
      readTopics: place.inputTopic !== undefined ? [place.inputTopic] : [],
      writeTopics: [...place.writeTopics],
      scaling: {
        minReplicas: 1,
        maxReplicas,
        lagThreshold: stage.scaling?.lagThreshold ?? DEFAULT_LAG_THRESHOLD,
      },
    });
  });
  return { id: pipeline.id, name: spec.name, paused: options.paused, topics, stages };
}

/**
 * The first run of a delete with topics (phase PREPARE): the pipeline without stages — no runner, user or
 * autoscaling left — and its topics no longer retained, so the next run, which leaves the pipeline out,
 * deletes them. The topics are those of the desired spec and of the applied one (an update that failed may
 * have left either on the stack); the desired settings win where both name a topic.
 */
export function toRemovalWorkload(
  pipeline: { id: string; spec: PipelineSpec; appliedSpec: PipelineSpec | null },
  image: string,
): PipelineWorkload {
  const options: WorkloadOptions = { image, paused: true, retainTopics: false };
  const desired = toPipelineWorkload({ id: pipeline.id, spec: pipeline.spec }, options);
  const applied = pipeline.appliedSpec
    ? toPipelineWorkload({ id: pipeline.id, spec: pipeline.appliedSpec }, options).topics
    : [];
  const named = new Set(desired.topics.map((topic) => topic.topicName));
  return {
    ...desired,
    topics: [...desired.topics, ...applied.filter((topic) => !named.has(topic.topicName))],
    stages: [],
  };
}

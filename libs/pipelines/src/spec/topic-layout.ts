import { roleOf, type StageKind } from './stage-catalog';
import type { PipelineSpec } from './pipeline-spec';

/** Kafka's own rule for topic names. */
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

export function topicNameProblem(name: unknown): string | undefined {
  if (typeof name !== 'string' || !TOPIC_NAME.test(name)) {
    return 'must be 1..249 characters of letters, digits, ., _ and -';
  }
  if (name === '.' || name === '..') return 'must not be . or ..';
  return undefined;
}

/** Where one stage reads and writes, as the pipeline is laid out on Kafka. */
export interface StageLayout {
  name: string;
  kind: StageKind;
  /** The topic the stage consumes (none for MQTT/HTTP sources and for source.kafka, which only names one). */
  inputTopic?: string;
  /** The topic it produces to: its own, a source.kafka's existing topic, or a sink.kafka's target. */
  outputTopic?: string;
  /** The dead-letter topic of a validate stage that dead-letters. */
  deadLetterTopic?: string;
  /** `sp-<pipeline>-<stage>`, for a stage that consumes. */
  consumerGroup?: string;
  /** Topics the pipeline creates for this stage (its own and its dead-letter topic). */
  createdTopics: string[];
  /** Everything the stage writes (its ACLs): created topics and a sink.kafka's target. */
  writeTopics: string[];
}

export function consumerGroupOf(pipeline: string, stage: string): string {
  return `sp-${pipeline}-${stage}`;
}

/**
 * Lays a pipeline out on topics: each non-sink stage writes its own topic (`<pipeline>.<stage>` unless
 * named), stage i reads stage i-1's. A source.kafka names an existing topic instead of getting one.
 */
export function layoutOf(spec: PipelineSpec): StageLayout[] {
  const layout: StageLayout[] = [];
  let previous: string | undefined;
  for (const stage of spec.stages) {
    const role = roleOf(stage.kind);
    const options = stage.options;
    const entry: StageLayout = { name: stage.name, kind: stage.kind, createdTopics: [], writeTopics: [] };
    if (stage.kind === 'source.kafka') {
      entry.outputTopic = String(options.topic);
    } else {
      if (role !== 'source') {
        entry.inputTopic = previous;
        entry.consumerGroup = consumerGroupOf(spec.name, stage.name);
      }
      if (stage.kind === 'sink.kafka') {
        entry.outputTopic = String(options.topic);
        entry.writeTopics.push(entry.outputTopic);
      } else if (role !== 'sink') {
        entry.outputTopic = stage.outputTopic ?? `${spec.name}.${stage.name}`;
        entry.createdTopics.push(entry.outputTopic);
      }
      if (stage.kind === 'transform.validate' && options.onInvalid === 'dead-letter') {
        entry.deadLetterTopic = `${entry.outputTopic}.dlq`;
        entry.createdTopics.push(entry.deadLetterTopic);
      }
      entry.writeTopics.unshift(...entry.createdTopics);
    }
    layout.push(entry);
    previous = entry.outputTopic;
  }
  return layout;
}

/** Every topic the pipeline creates (KafkaTopic resources). */
export function createdTopicsOf(spec: PipelineSpec): string[] {
  return layoutOf(spec).flatMap((stage) => stage.createdTopics);
}

/** The topic the pipeline's data starts on: a source.kafka's topic, or the source's own. */
export function sourceTopicOf(spec: PipelineSpec): string | undefined {
  return layoutOf(spec)[0]?.outputTopic;
}

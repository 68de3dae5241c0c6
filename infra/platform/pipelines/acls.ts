import type { PipelineStageWorkload } from '../../types';

/** One `simple` authorization rule of a KafkaUser, as Strimzi 1.2 spells it. */
export interface StageAcl {
  resource: { type: 'topic' | 'group'; name: string; patternType: 'literal' };
  operations: ('Read' | 'Write' | 'Describe')[];
}

/**
 * Exactly what a stage runner may do in Kafka: read and describe the topics it reads, write and describe the
 * topics it writes, and read (join, commit offsets of) its own consumer group. Every pattern is literal, so a
 * topic or group created later under a similar name is never covered; no cluster operation, no Create, Delete
 * or Alter, and no transactional id (runners do not use transactions). Since Kafka 3.0 Write on a topic also
 * allows idempotent produce, so no cluster-level IdempotentWrite is needed.
 */
export function stageAcls(stage: PipelineStageWorkload): StageAcl[] {
  const literal = (type: StageAcl['resource']['type'], name: string) =>
    ({ type, name, patternType: 'literal' }) as const;
  return [
    ...unique(stage.readTopics).map((topic): StageAcl => ({
      resource: literal('topic', topic),
      operations: ['Read', 'Describe'],
    })),
    ...unique(stage.writeTopics).map((topic): StageAcl => ({
      resource: literal('topic', topic),
      operations: ['Write', 'Describe'],
    })),
    ...(stage.consumerGroup
      ? [{ resource: literal('group', stage.consumerGroup), operations: ['Read'] } satisfies StageAcl]
      : []),
  ];
}

const unique = (values: string[]): string[] => [...new Set(values)];

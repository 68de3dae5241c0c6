import type { PipelineStageWorkload, PipelineWorkload } from '../../types';
import { DNS_1123_LABEL } from './names';

/** Kafka's own rule for topic names (and never `.` or `..`). */
const KAFKA_TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;

/**
 * Checks what the renderer relies on, so a malformed workload stops the run with a message naming the
 * pipeline and stage instead of reaching the cluster. libs/pipelines validates the customer's spec; this is
 * the infra program's own guard (a literal ACL on `*` would grant every topic, for instance).
 */
export function assertValidPipelines(pipelines: readonly PipelineWorkload[]): void {
  const problems: string[] = [];
  const pipelineNames = new Set<string>();
  const topicOwner = new Map<string, string>();
  for (const pipeline of pipelines) {
    const where = `pipeline ${JSON.stringify(pipeline.name)}`;
    if (!DNS_1123_LABEL.test(pipeline.name) || pipeline.name.length > 63)
      problems.push(`${where}: name is not a DNS-1123 label`);
    if (pipelineNames.has(pipeline.name)) problems.push(`${where}: name used twice`);
    pipelineNames.add(pipeline.name);
    // No stages is valid: the first run of a delete with topics keeps only the topics (libs/pipelines).

    for (const topic of pipeline.topics) {
      if (!isTopicName(topic.topicName))
        problems.push(`${where}: ${JSON.stringify(topic.topicName)} is not a valid Kafka topic name`);
      const owner = topicOwner.get(topic.topicName);
      // One KafkaTopic per topic: a second pipeline declaring it would fight the first over its settings.
      if (owner !== undefined)
        problems.push(`${where}: topic ${topic.topicName} is already declared by pipeline ${owner}`);
      topicOwner.set(topic.topicName, pipeline.name);
      if (!Number.isInteger(topic.partitions) || topic.partitions < 1)
        problems.push(`${where}: topic ${topic.topicName} needs at least one partition`);
      if (!Number.isInteger(topic.replicas) || topic.replicas < 1)
        problems.push(`${where}: topic ${topic.topicName} needs at least one replica`);
      if (!Number.isInteger(topic.retentionMs) || topic.retentionMs < -1)
        problems.push(`${where}: topic ${topic.topicName} has an invalid retention`);
    }

    const stageNames = new Set<string>();
    for (const stage of pipeline.stages) {
      const at = `${where}, stage ${JSON.stringify(stage.name)}`;
      if (!DNS_1123_LABEL.test(stage.name) || stage.name.length > 63)
        problems.push(`${at}: name is not a DNS-1123 label`);
      if (stageNames.has(stage.name)) problems.push(`${at}: name used twice`);
      stageNames.add(stage.name);
      problems.push(...stageProblems(stage).map((problem) => `${at}: ${problem}`));
    }
  }
  if (problems.length > 0) throw new Error(`Invalid pipelines:\n- ${problems.join('\n- ')}`);
}

function stageProblems(stage: PipelineStageWorkload): string[] {
  const problems: string[] = [];
  for (const topic of [...stage.readTopics, ...stage.writeTopics]) {
    if (!isTopicName(topic)) problems.push(`${JSON.stringify(topic)} is not a valid Kafka topic name`);
  }
  if (stage.inputTopic !== undefined && !stage.readTopics.includes(stage.inputTopic))
    problems.push(`input topic ${stage.inputTopic} is not among the topics it may read`);
  if (stage.outputTopic !== undefined && !stage.writeTopics.includes(stage.outputTopic))
    problems.push(`output topic ${stage.outputTopic} is not among the topics it may write`);
  if ((stage.inputTopic === undefined) !== (stage.consumerGroup === undefined))
    problems.push('a consumer group is needed exactly when the stage consumes an input topic');
  // A literal ACL on `*` matches every group; an empty name matches nothing useful.
  if (stage.consumerGroup !== undefined && !/^[a-zA-Z0-9._-]{1,249}$/.test(stage.consumerGroup))
    problems.push(`consumer group ${JSON.stringify(stage.consumerGroup)} is not a plain name`);
  const { minReplicas, maxReplicas, lagThreshold } = stage.scaling;
  if (!Number.isInteger(minReplicas) || minReplicas < 0) problems.push('minReplicas must be 0 or more');
  if (!Number.isInteger(maxReplicas) || maxReplicas < 1 || maxReplicas < minReplicas)
    problems.push('maxReplicas must be at least 1 and at least minReplicas');
  if (!Number.isInteger(lagThreshold) || lagThreshold < 1) problems.push('lagThreshold must be 1 or more');
  for (const name of Object.keys(stage.secretEnv ?? {})) {
    if (!ENV_NAME.test(name)) problems.push(`secret variable ${JSON.stringify(name)} is not a variable name`);
    // The runner's own variables (stage-runner-contract.ts) cannot be overridden by a setting.
    else if (RESERVED_ENV_PREFIX.test(name)) problems.push(`secret variable ${name} uses a reserved prefix`);
  }
  for (const port of stage.egressPorts ?? []) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) problems.push(`egress port ${port} is invalid`);
  }
  return problems;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const RESERVED_ENV_PREFIX = /^(KAFKA|STREAMPLANE)_/i;

const isTopicName = (name: string): boolean => KAFKA_TOPIC_NAME.test(name) && name !== '.' && name !== '..';

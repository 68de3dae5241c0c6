import { createHash } from 'node:crypto';

/**
 * Kubernetes names of a pipeline's objects. Kafka topic names may hold '.', '_' and capitals and pipeline and
 * stage names may hold '-', so a name is a readable, DNS-safe rendering plus a short digest of the exact
 * original: unique (`orders.raw` and `orders_raw` are different topics; pipeline `a-b` with stage `c` differs
 * from pipeline `a` with stage `b-c`), stable (a function of the names only, so URNs and objects never move
 * under a running pipeline) and short enough for every suffix Kubernetes and the operators add.
 */

/** DNS-1123 label: what every name below satisfies (and so also a DNS-1123 subdomain). */
export const DNS_1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Longest name a stage's objects start from; leaves room for `-config` / `-env` within 63 characters. */
const STAGE_NAME_LENGTH = 56;
const TOPIC_NAME_LENGTH = 63;
const DIGEST_LENGTH = 8;

const digest = (value: string): string =>
  createHash('sha256').update(value).digest('hex').slice(0, DIGEST_LENGTH);

/** Lower-case letters, digits and single inner hyphens: anything else becomes a hyphen. */
function dnsSafe(value: string, maxLength: number): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, maxLength)
    .replace(/^-+|-+$/g, '');
}

function withDigest(readable: string, original: string, maxLength: number): string {
  const base = dnsSafe(readable, maxLength - DIGEST_LENGTH - 1);
  return base ? `${base}-${digest(original)}` : digest(original);
}

/** `metadata.name` of the KafkaTopic for a Kafka topic (the real name goes to `spec.topicName`). */
export const kafkaTopicObjectName = (topicName: string): string =>
  withDigest(topicName, `topic/${topicName}`, TOPIC_NAME_LENGTH);

/**
 * Base name of a stage's objects: its Deployment, KafkaUser (and so the Kafka principal and the Secret the
 * User Operator writes), ScaledObject, TriggerAuthentication and NetworkPolicy.
 */
export const stageObjectName = (pipeline: string, stage: string): string =>
  withDigest(`${pipeline}-${stage}`, `stage/${pipeline}/${stage}`, STAGE_NAME_LENGTH);

/** Names derived from a stage's base name. */
export const stageConfigMapName = (base: string): string => `${base}-config`;
export const stageSecretName = (base: string): string => `${base}-env`;

/** Labels every object of a pipeline carries (values are DNS labels or uuids: valid label values). */
export function pipelineLabels(pipeline: { id: string; name: string }): Record<string, string> {
  return {
    'app.kubernetes.io/part-of': 'streamplane',
    'app.kubernetes.io/managed-by': 'streamplane',
    'streamplane.io/pipeline': pipeline.name,
    'streamplane.io/pipeline-id': pipeline.id,
  };
}

/**
 * Label of every stage runner pod: the Kafka listener's NetworkPolicy admits pods carrying it (see
 * kafka-cluster.ts), so it is set on stage pods only.
 */
export const PIPELINE_STAGE_POD_LABEL = { 'streamplane.io/role': 'pipeline-stage' } as const;

/** Selects one stage's pods (pipeline and stage names are separate labels, so never ambiguous). */
export const stageSelectorLabels = (pipeline: string, stage: string): Record<string, string> => ({
  'streamplane.io/pipeline': pipeline,
  'streamplane.io/stage': stage,
});

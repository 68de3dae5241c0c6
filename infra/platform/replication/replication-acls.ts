import type { ReplicationMirror, ReplicationPattern, ReplicationSourceUser } from '../../types';
import { mirrorNames } from './replication-names';

/** One Strimzi `simple` authorization rule (KafkaUser `spec.authorization.acls[]`). */
export interface KafkaAclRule {
  resource: { type: 'topic' | 'group' | 'cluster'; name?: string; patternType?: 'literal' | 'prefix' };
  operations: string[];
}

const topic = (pattern: ReplicationPattern, operations: string[]): KafkaAclRule => ({
  resource: { type: 'topic', name: pattern.name, patternType: pattern.patternType },
  operations,
});
const group = (pattern: ReplicationPattern, operations: string[]): KafkaAclRule => ({
  resource: { type: 'group', name: pattern.name, patternType: pattern.patternType },
  operations,
});
const literal = (name: string): ReplicationPattern => ({ name, patternType: 'literal' });

/** MirrorMaker 2's heartbeats topic; its source connector always mirrors the source's one too. */
export const HEARTBEATS_TOPIC = 'heartbeats';

/**
 * The source side grants reads only. The source connector reads and describes the mirrored topics (and their
 * configs, to copy them), and reads `heartbeats`, which MirrorMaker 2 mirrors whatever the topic selection;
 * the checkpoint connector describes the mirrored groups to read their committed offsets. The offset-syncs
 * topic lives on the target (`offset-syncs.topic.location=target`) and ACL sync is off, so nothing here
 * writes, creates or touches the cluster resource.
 */
export function sourceUserAcls(
  user: Pick<ReplicationSourceUser, 'topics' | 'consumerGroups'>,
): KafkaAclRule[] {
  return [
    ...user.topics.map((pattern) => topic(pattern, ['Read', 'Describe', 'DescribeConfigs'])),
    topic(literal(HEARTBEATS_TOPIC), ['Read', 'Describe']),
    ...user.consumerGroups.map((pattern) => group(pattern, ['Describe'])),
  ];
}

/**
 * The topics MirrorMaker 2 creates and writes on the target for the mirrored selection: `<alias>.<pattern>`
 * with prefixed naming (which also covers `<alias>.heartbeats` and `<alias>.checkpoints.internal`), the
 * patterns themselves with identity naming.
 */
export function remoteTopicPatterns(
  mirror: Pick<ReplicationMirror, 'topics' | 'topicNaming' | 'sourceAlias'>,
): ReplicationPattern[] {
  if (mirror.topicNaming === 'identity') return mirror.topics;
  return [{ name: `${mirror.sourceAlias}.`, patternType: 'prefix' }];
}

/**
 * The target side's local user (MirrorMaker 2's Connect cluster): create, write and keep in sync the remote
 * topics; commit the synced offsets of the mirrored groups on them (Read on group and topic); and its own
 * internal topics and group. Nothing else: no other topic, no cluster-level operation.
 */
export function mirrorUserAcls(
  mirror: Pick<
    ReplicationMirror,
    'name' | 'topics' | 'consumerGroups' | 'topicNaming' | 'sourceAlias' | 'targetAlias'
  >,
): KafkaAclRule[] {
  const names = mirrorNames(mirror);
  const remoteOps = ['Create', 'Write', 'Read', 'Describe', 'DescribeConfigs', 'AlterConfigs', 'Alter'];
  const internalOps = ['Create', 'Write', 'Read', 'Describe', 'DescribeConfigs'];
  const internalTopics = [
    names.configTopic,
    names.offsetTopic,
    names.statusTopic,
    HEARTBEATS_TOPIC,
    // Where the offset syncs live with offset-syncs.topic.location=target (named after the other cluster).
    `mm2-offset-syncs.${mirror.sourceAlias}.internal`,
    `mm2-offset-syncs.${mirror.targetAlias}.internal`,
    // Already under the `<alias>.` prefix with prefixed naming; named here for identity naming.
    ...(mirror.topicNaming === 'identity' ? [`${mirror.sourceAlias}.checkpoints.internal`] : []),
  ].map(literal);
  return [
    ...remoteTopicPatterns(mirror).map((pattern) => topic(pattern, remoteOps)),
    ...internalTopics.map((pattern) => topic(pattern, internalOps)),
    group(literal(names.connectGroup), ['Read', 'Describe']),
    ...mirror.consumerGroups.map((pattern) => group(pattern, ['Read', 'Describe'])),
  ];
}

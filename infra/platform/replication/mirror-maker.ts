import type { DeploymentSpec } from '@streamplane/deployment-spec';
import type { ReplicationMirror, ReplicationPattern } from '../../types';
import { STRIMZI_API_VERSION } from '../kafka-cluster';
import { KAFKA_CLUSTER_NAME, internalBootstrap } from '../names';
import {
  CA_CERT_KEY,
  MIRROR_MAKER_POD_LABELS,
  PASSWORD_KEY,
  linkLabels,
  mirrorNames,
} from './replication-names';

/** Regex of one selection for MirrorMaker 2's `topicsPattern` / `groupsPattern` (Java regex, anchored by MM2). */
export function patternRegex(pattern: ReplicationPattern): string {
  if (pattern.patternType === 'literal' && pattern.name === '*') return '.*';
  const escaped = pattern.name.replace(/[.\\+*?^$()[\]{}|-]/g, (c) => `\\${c}`);
  return pattern.patternType === 'prefix' ? `${escaped}.*` : escaped;
}

export const selectionRegex = (patterns: ReplicationPattern[]): string =>
  patterns.map(patternRegex).join('|');

const REPLICATION_POLICY = {
  prefixed: 'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
  identity: 'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
} as const;

/** Cluster-wide durability for everything MirrorMaker 2 creates on the target (as for every topic here). */
const REPLICATION_FACTOR = 3;

/**
 * The KafkaMirrorMaker2 of one link on its target cluster. Its Connect cluster is the target itself (internal
 * TLS listener, the local user); the one mirror pulls from the source's external listener with the source
 * user's SCRAM-SHA-512 password, trusting only the source's cluster CA. Offset syncs are kept on the target
 * so the source side needs read grants only; ACL sync is off (the target user's ACLs are Streamplane's).
 * A paused mirror keeps its connectors configured (and their offsets) but stops them.
 */
export function mirrorMaker2Manifest(
  mirror: ReplicationMirror,
  target: { spec: Pick<DeploymentSpec, 'kafkaVersion' | 'clientAuthentication'>; namespace: string },
): Record<string, unknown> {
  const names = mirrorNames(mirror);
  const policy = REPLICATION_POLICY[mirror.topicNaming];
  const state = mirror.paused ? 'paused' : 'running';
  const shared = {
    'replication.policy.class': policy,
    'replication.policy.separator': '.',
    'offset-syncs.topic.location': 'target',
  };
  return {
    apiVersion: STRIMZI_API_VERSION,
    kind: 'KafkaMirrorMaker2',
    metadata: { name: mirror.name, namespace: target.namespace, labels: linkLabels(mirror.linkId) },
    spec: {
      version: target.spec.kafkaVersion,
      replicas: 2,
      target: {
        alias: mirror.targetAlias,
        bootstrapServers: internalBootstrap(),
        groupId: names.connectGroup,
        configStorageTopic: names.configTopic,
        offsetStorageTopic: names.offsetTopic,
        statusStorageTopic: names.statusTopic,
        tls: {
          trustedCertificates: [
            { secretName: `${KAFKA_CLUSTER_NAME}-cluster-ca-cert`, certificate: 'ca.crt' },
          ],
        },
        authentication:
          target.spec.clientAuthentication === 'mtls'
            ? {
                type: 'tls',
                certificateAndKey: { secretName: names.targetUser, certificate: 'user.crt', key: 'user.key' },
              }
            : {
                type: 'scram-sha-512',
                username: names.targetUser,
                passwordSecret: { secretName: names.targetUser, password: 'password' },
              },
        config: {
          'config.storage.replication.factor': REPLICATION_FACTOR,
          'offset.storage.replication.factor': REPLICATION_FACTOR,
          'status.storage.replication.factor': REPLICATION_FACTOR,
        },
      },
      mirrors: [
        {
          source: {
            alias: mirror.sourceAlias,
            bootstrapServers: mirror.source.bootstrapServers,
            tls: { trustedCertificates: [{ secretName: names.sourceCaSecret, certificate: CA_CERT_KEY }] },
            authentication: {
              type: 'scram-sha-512',
              username: mirror.source.userName,
              passwordSecret: { secretName: names.sourcePasswordSecret, password: PASSWORD_KEY },
            },
          },
          sourceConnector: {
            tasksMax: 4,
            state,
            // A task that failed (the source briefly unreachable) restarts by itself with backoff.
            autoRestart: { enabled: true },
            config: {
              ...shared,
              'replication.factor': REPLICATION_FACTOR,
              'offset-syncs.topic.replication.factor': REPLICATION_FACTOR,
              'sync.topic.acls.enabled': 'false',
              'sync.topic.configs.enabled': 'true',
              'refresh.topics.interval.seconds': 60,
            },
          },
          checkpointConnector: {
            tasksMax: 1,
            state,
            autoRestart: { enabled: true },
            config: {
              ...shared,
              'checkpoints.topic.replication.factor': REPLICATION_FACTOR,
              'emit.checkpoints.enabled': 'true',
              'emit.checkpoints.interval.seconds': 30,
              // Consumers moving to the target resume at the translated offsets of their group.
              'sync.group.offsets.enabled': 'true',
              'sync.group.offsets.interval.seconds': 30,
              'refresh.groups.interval.seconds': 60,
            },
          },
          topicsPattern: selectionRegex(mirror.topics),
          groupsPattern: selectionRegex(mirror.consumerGroups),
        },
      ],
      resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { memory: '1536Mi' } },
      metricsConfig: {
        type: 'jmxPrometheusExporter',
        valueFrom: { configMapKeyRef: { name: names.metricsConfigMap, key: MIRROR_MAKER_METRICS_KEY } },
      },
      template: {
        pod: { metadata: { labels: { ...MIRROR_MAKER_POD_LABELS, ...linkLabels(mirror.linkId) } } },
      },
    },
  };
}

export const MIRROR_MAKER_METRICS_KEY = 'metrics-config.yml';

/**
 * JMX exporter rules for MirrorMaker 2 (after Strimzi's example): the per-partition source-connector metrics
 * (replication latency, record age) and the checkpoint connector's latency, which the alerts below query.
 */
export function mirrorMakerMetricsConfig(): string {
  const config = {
    lowercaseOutputName: true,
    rules: [
      {
        pattern:
          'kafka.connect.mirror<type=MirrorSourceConnector, target=(.+), topic=(.+), partition=([0-9]+)><>([a-z-_]+)',
        name: 'kafka_connect_mirror_source_connector_$4',
        labels: { target: '$1', topic: '$2', partition: '$3' },
        type: 'GAUGE',
      },
      {
        pattern:
          'kafka.connect.mirror<type=MirrorCheckpointConnector, source=(.+), target=(.+), group=(.+), topic=(.+), partition=([0-9]+)><>([a-z-_]+)',
        name: 'kafka_connect_mirror_checkpoint_connector_$6',
        labels: { source: '$1', target: '$2', group: '$3', topic: '$4', partition: '$5' },
        type: 'GAUGE',
      },
      {
        pattern: 'kafka.connect<type=connector-task-metrics, connector=(.+), task=(.+)><>status: ([a-z-]+)',
        name: 'kafka_connect_connector_task_status',
        labels: { connector: '$1', task: '$2', status: '$3' },
        value: 1,
        type: 'GAUGE',
      },
    ],
  };
  return JSON.stringify(config, null, 2);
}

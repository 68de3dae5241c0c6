import { KAFKA_CLUSTER_NAME, NAMESPACES, NODE_POOLS } from './names';

/**
 * Alert rules for one Kafka cluster, as the `spec` of a prometheus-operator `PrometheusRule`.
 *
 * Metric names come from the JMX exporter rules in `kafka-metrics.ts` (brokers and controllers), Kafka
 * Exporter (`kafka_consumergroup_lag`) and the kubelet (`kubelet_volume_stats_*`, scraped by
 * kube-prometheus-stack). `strimzi_io_*` labels come from the PodMonitors' relabelling of the pods' labels.
 */
export interface KafkaAlertOptions {
  brokers: number;
  controllers: number;
  /** Messages a consumer group may be behind on one topic before anyone is paged. */
  consumerLagThreshold: number;
}

export interface AlertRule {
  alert: string;
  expr: string;
  for: string;
  labels: { severity: 'warning' | 'critical' };
  annotations: { summary: string; description: string };
}

/** Default consumer-lag threshold: a conservative starting point, per deployment tuning is a follow-up. */
export const DEFAULT_CONSUMER_LAG_THRESHOLD = 10_000;

const ns = `namespace="${NAMESPACES.kafka}"`;
const cluster = `strimzi_io_cluster="${KAFKA_CLUSTER_NAME}"`;
const pool = (name: string) => `{${ns},${cluster},strimzi_io_pool_name="${name}"}`;
/** Kafka's JBOD claims are `data-<volume id>-<pod>`; the pods are `<cluster>-<pool>-<node id>`. */
const kafkaVolumes = `{${ns},persistentvolumeclaim=~"data-[0-9]+-${KAFKA_CLUSTER_NAME}-.+"}`;

/** Pods of a pool whose metrics endpoint answers; absent() covers "none at all", which count() cannot. */
const upCountBelow = (poolName: string, threshold: number) =>
  `count(up${pool(poolName)} == 1) < ${threshold} or absent(up${pool(poolName)} == 1)`;

export function kafkaAlertRules(options: KafkaAlertOptions): {
  groups: { name: string; rules: AlertRule[] }[];
} {
  const quorumMajority = Math.floor(options.controllers / 2) + 1;
  const rules: AlertRule[] = [
    {
      alert: 'KafkaUnderReplicatedPartitions',
      expr: `sum by (namespace, strimzi_io_cluster) (kafka_server_replicamanager_underreplicatedpartitions{${ns},${cluster}}) > 0`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'Kafka has under-replicated partitions',
        description: '{{ $value }} partitions have fewer in-sync replicas than their replication factor.',
      },
    },
    {
      alert: 'KafkaUnderMinIsrPartitions',
      expr: `sum by (namespace, strimzi_io_cluster) (kafka_server_replicamanager_underminisrpartitioncount{${ns},${cluster}}) > 0`,
      for: '2m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Kafka partitions are below min.insync.replicas',
        description: '{{ $value }} partitions reject writes from producers using acks=all.',
      },
    },
    {
      alert: 'KafkaOfflinePartitions',
      expr: `max by (namespace, strimzi_io_cluster) (kafka_controller_kafkacontroller_offlinepartitionscount{${ns},${cluster}}) > 0`,
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Kafka has offline partitions',
        description: '{{ $value }} partitions have no leader: they can be neither read nor written.',
      },
    },
    {
      alert: 'KafkaNoActiveController',
      expr: `sum by (namespace, strimzi_io_cluster) (kafka_controller_kafkacontroller_activecontrollercount{${ns},${cluster}}) != 1`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'Kafka does not have exactly one active controller',
        description: '{{ $value }} active KRaft controllers (expected 1).',
      },
    },
    {
      alert: 'KafkaBrokerDown',
      expr: upCountBelow(NODE_POOLS.brokers, options.brokers),
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A Kafka broker is down',
        description: `Fewer than ${options.brokers} brokers are up.`,
      },
    },
    {
      alert: 'KafkaControllerDown',
      expr: upCountBelow(NODE_POOLS.controllers, options.controllers),
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A KRaft controller is down',
        description: `Fewer than ${options.controllers} controllers are up; the quorum tolerates ${options.controllers - quorumMajority} down.`,
      },
    },
    {
      alert: 'KafkaControllerQuorumLost',
      expr: upCountBelow(NODE_POOLS.controllers, quorumMajority),
      for: '1m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'The KRaft controller quorum has lost its majority',
        description: `Fewer than ${quorumMajority} of ${options.controllers} controllers are up: metadata changes are impossible.`,
      },
    },
    {
      alert: 'KafkaConsumerGroupLag',
      expr: `sum by (namespace, consumergroup, topic) (kafka_consumergroup_lag{${ns}}) > ${options.consumerLagThreshold}`,
      for: '15m',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A consumer group is falling behind',
        description: `Consumer group {{ $labels.consumergroup }} is {{ $value }} messages behind on topic {{ $labels.topic }} (threshold ${options.consumerLagThreshold}).`,
      },
    },
    {
      alert: 'KafkaVolumeFillingUp',
      expr:
        `kubelet_volume_stats_available_bytes${kafkaVolumes} / kubelet_volume_stats_capacity_bytes${kafkaVolumes} < 0.4` +
        ` and predict_linear(kubelet_volume_stats_available_bytes${kafkaVolumes}[6h], 24 * 3600) < 0`,
      for: '1h',
      labels: { severity: 'warning' },
      annotations: {
        summary: 'A Kafka volume will be full within 24 hours',
        description:
          'Volume {{ $labels.persistentvolumeclaim }} is filling up at a rate that exhausts it within a day: ' +
          'expand the volume, shorten retention or add brokers.',
      },
    },
    {
      alert: 'KafkaVolumeAlmostFull',
      expr: `kubelet_volume_stats_available_bytes${kafkaVolumes} / kubelet_volume_stats_capacity_bytes${kafkaVolumes} < 0.1`,
      for: '5m',
      labels: { severity: 'critical' },
      annotations: {
        summary: 'A Kafka volume is more than 90% full',
        description:
          'Volume {{ $labels.persistentvolumeclaim }} has {{ $value | humanizePercentage }} free; a broker stops when its log directory is full.',
      },
    },
  ];
  return { groups: [{ name: 'kafka', rules }] };
}

import { KAFKA_CLUSTER_NAME, NAMESPACES, NODE_POOLS } from './names';

/**
 * "Kafka overview" Grafana dashboard: the questions an on-call engineer asks first — is every broker up,
 * is data safe (under-replicated / offline partitions), how much flows in and out, are consumers keeping up,
 * and how long until a disk is full. Shipped as a ConfigMap that Grafana's dashboard sidecar loads.
 *
 * The queries use the metric names produced by `kafka-metrics.ts`, Kafka Exporter and the kubelet, and the
 * `strimzi_io_*` labels added by the PodMonitors.
 */
export const KAFKA_DASHBOARD_UID = 'streamplane-kafka-overview';

type Unit = 'short' | 'Bps' | 'percent' | 'ms' | 'none';

interface Panel {
  id: number;
  type: 'stat' | 'timeseries';
  title: string;
  description: string;
  gridPos: { h: number; w: number; x: number; y: number };
  datasource: { type: 'prometheus'; uid: string };
  targets: { refId: string; expr: string; legendFormat: string }[];
  fieldConfig: {
    defaults: {
      unit: Unit;
      min?: number;
      max?: number;
      thresholds?: { mode: 'absolute'; steps: { color: string; value: number | null }[] };
    };
    overrides: [];
  };
  options?: Record<string, unknown>;
}

const DATASOURCE = { type: 'prometheus', uid: '${datasource}' } as const;
const ns = `namespace="${NAMESPACES.kafka}"`;
const cluster = `strimzi_io_cluster="${KAFKA_CLUSTER_NAME}"`;
const kafkaVolumes = `{${ns},persistentvolumeclaim=~"data-[0-9]+-${KAFKA_CLUSTER_NAME}-.+"}`;
/** Broker-wide meters have no `topic` label; the per-topic ones do. Summing both would double count. */
const allTopics = `${ns},${cluster},topic=""`;

/** Green at zero, red at the first unit: for counts that must stay at zero. */
const zeroIsHealthy = {
  mode: 'absolute' as const,
  steps: [
    { color: 'green', value: null },
    { color: 'red', value: 1 },
  ],
};

function panel(
  type: Panel['type'],
  title: string,
  description: string,
  gridPos: Panel['gridPos'],
  unit: Unit,
  targets: { expr: string; legendFormat?: string }[],
  extra: Partial<Panel['fieldConfig']['defaults']> = {},
): Omit<Panel, 'id'> {
  return {
    type,
    title,
    description,
    gridPos,
    datasource: DATASOURCE,
    targets: targets.map((target, index) => ({
      refId: String.fromCharCode(65 + index),
      expr: target.expr,
      legendFormat: target.legendFormat ?? '__auto',
    })),
    fieldConfig: { defaults: { unit, ...extra }, overrides: [] },
    ...(type === 'stat'
      ? { options: { reduceOptions: { calcs: ['lastNotNull'] }, colorMode: 'background' } }
      : {}),
  };
}

export function kafkaOverviewDashboard(expected: {
  brokers: number;
  controllers: number;
}): Record<string, unknown> {
  const upCount = (pool: string) =>
    `count(up{${ns},${cluster},strimzi_io_pool_name="${pool}"} == 1) or vector(0)`;
  const panels: Omit<Panel, 'id'>[] = [
    panel(
      'stat',
      'Brokers up',
      `Expected ${expected.brokers}.`,
      { h: 4, w: 4, x: 0, y: 0 },
      'short',
      [{ expr: upCount(NODE_POOLS.brokers) }],
      {
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'red', value: null },
            { color: 'green', value: expected.brokers },
          ],
        },
      },
    ),
    panel(
      'stat',
      'Controllers up',
      `Expected ${expected.controllers}.`,
      { h: 4, w: 4, x: 4, y: 0 },
      'short',
      [{ expr: upCount(NODE_POOLS.controllers) }],
      {
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'red', value: null },
            { color: 'orange', value: Math.floor(expected.controllers / 2) + 1 },
            { color: 'green', value: expected.controllers },
          ],
        },
      },
    ),
    panel(
      'stat',
      'Under-replicated partitions',
      'Partitions with fewer in-sync replicas than replicas.',
      { h: 4, w: 4, x: 8, y: 0 },
      'short',
      [{ expr: `sum(kafka_server_replicamanager_underreplicatedpartitions{${ns},${cluster}}) or vector(0)` }],
      { thresholds: zeroIsHealthy },
    ),
    panel(
      'stat',
      'Offline partitions',
      'Partitions without a leader (unavailable).',
      { h: 4, w: 4, x: 12, y: 0 },
      'short',
      [
        {
          expr: `max(kafka_controller_kafkacontroller_offlinepartitionscount{${ns},${cluster}}) or vector(0)`,
        },
      ],
      { thresholds: zeroIsHealthy },
    ),
    panel(
      'stat',
      'Under min ISR',
      'Partitions rejecting acks=all writes.',
      { h: 4, w: 4, x: 16, y: 0 },
      'short',
      [{ expr: `sum(kafka_server_replicamanager_underminisrpartitioncount{${ns},${cluster}}) or vector(0)` }],
      { thresholds: zeroIsHealthy },
    ),
    panel(
      'stat',
      'Active controllers',
      'Exactly one KRaft controller must be active.',
      { h: 4, w: 4, x: 20, y: 0 },
      'short',
      [{ expr: `sum(kafka_controller_kafkacontroller_activecontrollercount{${ns},${cluster}})` }],
    ),
    panel(
      'timeseries',
      'Bytes in / out',
      'Client produce and fetch throughput, all brokers.',
      { h: 8, w: 12, x: 0, y: 4 },
      'Bps',
      [
        {
          expr: `sum(rate(kafka_server_brokertopicmetrics_bytesin_total{${allTopics}}[5m]))`,
          legendFormat: 'in',
        },
        {
          expr: `sum(rate(kafka_server_brokertopicmetrics_bytesout_total{${allTopics}}[5m]))`,
          legendFormat: 'out',
        },
      ],
    ),
    panel(
      'timeseries',
      'Messages in per topic',
      'Produce rate by topic.',
      { h: 8, w: 12, x: 12, y: 4 },
      'short',
      [
        {
          expr: `sum by (topic) (rate(kafka_server_brokertopicmetrics_messagesin_total{${ns},${cluster},topic!=""}[5m]))`,
          legendFormat: '{{topic}}',
        },
      ],
    ),
    panel(
      'timeseries',
      'Consumer lag by group',
      'Messages each consumer group is behind (Kafka Exporter).',
      { h: 8, w: 12, x: 0, y: 12 },
      'short',
      [
        {
          expr: `sum by (consumergroup) (kafka_consumergroup_lag{${ns}})`,
          legendFormat: '{{consumergroup}}',
        },
      ],
    ),
    panel(
      'timeseries',
      'Under-replicated partitions per broker',
      'Which broker is behind.',
      { h: 8, w: 12, x: 12, y: 12 },
      'short',
      [
        {
          expr: `sum by (pod) (kafka_server_replicamanager_underreplicatedpartitions{${ns},${cluster}})`,
          legendFormat: '{{pod}}',
        },
      ],
    ),
    panel(
      'timeseries',
      'Disk used',
      'Used share of each Kafka volume.',
      { h: 8, w: 12, x: 0, y: 20 },
      'percent',
      [
        {
          expr: `100 * (1 - kubelet_volume_stats_available_bytes${kafkaVolumes} / kubelet_volume_stats_capacity_bytes${kafkaVolumes})`,
          legendFormat: '{{persistentvolumeclaim}}',
        },
      ],
      {
        min: 0,
        max: 100,
        thresholds: {
          mode: 'absolute',
          steps: [
            { color: 'green', value: null },
            { color: 'orange', value: 60 },
            { color: 'red', value: 90 },
          ],
        },
      },
    ),
    panel(
      'timeseries',
      'Produce latency p99',
      'Total time of Produce requests, 99th percentile, per broker.',
      { h: 8, w: 12, x: 12, y: 20 },
      'ms',
      [
        {
          expr: `max by (pod) (kafka_network_requestmetrics_totaltimems{${ns},${cluster},request="Produce",quantile="0.99"})`,
          legendFormat: '{{pod}}',
        },
      ],
    ),
  ];
  return {
    uid: KAFKA_DASHBOARD_UID,
    title: 'Kafka overview',
    tags: ['kafka', 'streamplane'],
    timezone: 'utc',
    editable: false,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-6h', to: 'now' },
    templating: {
      list: [
        {
          name: 'datasource',
          label: 'Data source',
          type: 'datasource',
          query: 'prometheus',
          current: {},
          hide: 0,
        },
      ],
    },
    panels: panels.map((definition, index): Panel => ({ id: index + 1, ...definition })),
  };
}

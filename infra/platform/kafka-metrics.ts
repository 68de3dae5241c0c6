/**
 * Rules for the Prometheus JMX exporter that Strimzi runs inside every Kafka pod (`metricsConfig` of type
 * `jmxPrometheusExporter`). They turn Kafka's MBeans into the metric names the alerts (`kafka-alerts.ts`) and
 * the dashboard (`kafka-dashboard.ts`) query, e.g.
 *   kafka.server:type=ReplicaManager,name=UnderReplicatedPartitions -> kafka_server_replicamanager_underreplicatedpartitions
 *   kafka.server:type=BrokerTopicMetrics,name=BytesInPerSec,topic=t  -> kafka_server_brokertopicmetrics_bytesin_total{topic="t"}
 *
 * Specific rules come first (the exporter uses the first match). The generic ones keep at most two bean
 * properties as labels, which bounds cardinality to topic x partition for the per-partition beans.
 */
interface JmxRule {
  pattern: string;
  name: string;
  type: 'GAUGE' | 'COUNTER' | 'UNTYPED';
  labels?: Record<string, string>;
  value?: number;
}

interface JmxExporterConfig {
  lowercaseOutputName: boolean;
  rules: JmxRule[];
}

const rule = (
  pattern: string,
  name: string,
  type: JmxRule['type'],
  labels?: Record<string, string>,
): JmxRule => (labels ? { pattern, name, type, labels } : { pattern, name, type });

export const KAFKA_JMX_EXPORTER_CONFIG: JmxExporterConfig = {
  lowercaseOutputName: true,
  rules: [
    // Per-listener socket server metrics (connections, authentication failures, TLS handshakes).
    rule(
      'kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+-total)',
      'kafka_server_$1_$4',
      'COUNTER',
      { listener: '$2', networkProcessor: '$3' },
    ),
    rule(
      'kafka.server<type=(.+), listener=(.+), networkProcessor=(.+)><>(.+)',
      'kafka_server_$1_$4',
      'GAUGE',
      {
        listener: '$2',
        networkProcessor: '$3',
      },
    ),
    // Replica fetcher lag per follower partition: the early sign of an under-replicated partition.
    rule(
      'kafka.server<type=(.+), name=(.+), clientId=(.+), topic=(.+), partition=(.*)><>Value',
      'kafka_server_$1_$2',
      'GAUGE',
      { clientId: '$3', topic: '$4', partition: '$5' },
    ),
    // KRaft quorum health (current leader, commit latency, fetch/append rates) on controllers and brokers.
    rule('kafka.server<type=raft-metrics><>(.+-total|.+-max):', 'kafka_server_raftmetrics_$1', 'COUNTER'),
    {
      pattern: 'kafka.server<type=raft-metrics><>(current-state): (.+)',
      name: 'kafka_server_raftmetrics_$1',
      type: 'UNTYPED',
      value: 1,
      labels: { $1: '$2' },
    },
    rule('kafka.server<type=raft-metrics><>(.+):', 'kafka_server_raftmetrics_$1', 'GAUGE'),
    rule(
      'kafka.server<type=broker-metadata-metrics><>(.+):',
      'kafka_server_brokermetadatametrics_$1',
      'GAUGE',
    ),
    // Idle ratios are published as MeanRate (request handlers) or Value (network processors).
    rule('kafka.(\\w+)<type=(.+), name=(.+)Percent\\w*><>MeanRate', 'kafka_$1_$2_$3_percent', 'GAUGE'),
    rule('kafka.(\\w+)<type=(.+), name=(.+)Percent\\w*><>Value', 'kafka_$1_$2_$3_percent', 'GAUGE'),
    // Meters (BytesInPerSec, MessagesInPerSec, FailedProduceRequestsPerSec, …): exported as monotonically
    // increasing counters; dashboards take rate() of them.
    rule(
      'kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, (.+)=(.+), (.+)=(.+)><>Count',
      'kafka_$1_$2_$3_total',
      'COUNTER',
      {
        $4: '$5',
        $6: '$7',
      },
    ),
    rule(
      'kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*, (.+)=(.+)><>Count',
      'kafka_$1_$2_$3_total',
      'COUNTER',
      {
        $4: '$5',
      },
    ),
    rule('kafka.(\\w+)<type=(.+), name=(.+)PerSec\\w*><>Count', 'kafka_$1_$2_$3_total', 'COUNTER'),
    // Gauges (UnderReplicatedPartitions, OfflinePartitionsCount, ActiveControllerCount, Log Size, …).
    rule('kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+), (.+)=(.+)><>Value', 'kafka_$1_$2_$3', 'GAUGE', {
      $4: '$5',
      $6: '$7',
    }),
    rule('kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Value', 'kafka_$1_$2_$3', 'GAUGE', { $4: '$5' }),
    rule('kafka.(\\w+)<type=(.+), name=(.+)><>Value', 'kafka_$1_$2_$3', 'GAUGE'),
    // Request latency histograms (RequestMetrics TotalTimeMs per request type) as quantile gauges plus count.
    rule('kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.+)><>Count', 'kafka_$1_$2_$3_count', 'COUNTER', {
      $4: '$5',
    }),
    rule('kafka.(\\w+)<type=(.+), name=(.+), (.+)=(.*)><>(\\d+)thPercentile', 'kafka_$1_$2_$3', 'GAUGE', {
      $4: '$5',
      quantile: '0.$6',
    }),
    rule('kafka.(\\w+)<type=(.+), name=(.+)><>Count', 'kafka_$1_$2_$3_count', 'COUNTER'),
    rule('kafka.(\\w+)<type=(.+), name=(.+)><>(\\d+)thPercentile', 'kafka_$1_$2_$3', 'GAUGE', {
      quantile: '0.$4',
    }),
  ],
};

/** The ConfigMap key Strimzi reads the exporter configuration from. */
export const KAFKA_METRICS_CONFIG_KEY = 'kafka-metrics-config.yml';

/**
 * The exporter reads YAML; JSON is valid YAML (flow style), so the rules are rendered with JSON.stringify and
 * no YAML library is needed.
 */
export const renderJmxExporterConfig = (config: JmxExporterConfig = KAFKA_JMX_EXPORTER_CONFIG): string =>
  JSON.stringify(config, null, 2);

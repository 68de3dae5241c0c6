import { kafkaAlertRules } from './kafka-alerts';
import { kafkaOverviewDashboard } from './kafka-dashboard';
import { KAFKA_JMX_EXPORTER_CONFIG, renderJmxExporterConfig } from './kafka-metrics';

/**
 * The alerts and the dashboard query metric names that only exist if the JMX exporter rules produce them.
 * A typo on either side would leave an alert that never fires, so the rules are run here the way the
 * exporter runs them (first matching rule wins; the pattern is matched anywhere in
 * `domain<properties><keys>attribute: value`; `$n` substitution; lower-cased names; invalid characters to `_`)
 * against the MBeans Kafka 4 publishes.
 */
interface Sample {
  name: string;
  labels: Record<string, string>;
}

function exportSample(mbean: string): Sample | undefined {
  for (const rule of KAFKA_JMX_EXPORTER_CONFIG.rules) {
    const match = new RegExp(`^.*(?:${rule.pattern}).*$`).exec(mbean);
    if (!match) continue;
    const substitute = (template: string) =>
      template.replace(/\$(\d+)/g, (_, group: string) => match[Number(group)] ?? '');
    const safe = (text: string) => text.replace(/[^a-zA-Z0-9:_]/g, '_').replace(/__+/g, '_');
    const name = safe(substitute(rule.name));
    const labels = Object.fromEntries(
      Object.entries(rule.labels ?? {}).map(([key, value]) => [safe(substitute(key)), substitute(value)]),
    );
    return { name: KAFKA_JMX_EXPORTER_CONFIG.lowercaseOutputName ? name.toLowerCase() : name, labels };
  }
  return undefined;
}

const KAFKA_MBEANS = [
  'kafka.server<type=ReplicaManager, name=UnderReplicatedPartitions><>Value: 0',
  'kafka.server<type=ReplicaManager, name=UnderMinIsrPartitionCount><>Value: 0',
  'kafka.controller<type=KafkaController, name=OfflinePartitionsCount><>Value: 0',
  'kafka.controller<type=KafkaController, name=ActiveControllerCount><>Value: 1',
  'kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec><>Count: 1024',
  'kafka.server<type=BrokerTopicMetrics, name=BytesOutPerSec><>Count: 2048',
  'kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec><>Count: 10',
  'kafka.server<type=BrokerTopicMetrics, name=BytesInPerSec, topic=orders><>Count: 512',
  'kafka.server<type=BrokerTopicMetrics, name=MessagesInPerSec, topic=orders><>Count: 5',
  'kafka.network<type=RequestMetrics, name=TotalTimeMs, request=Produce><>99thPercentile: 12.5',
  'kafka.log<type=Log, name=Size, topic=orders, partition=0><>Value: 4096',
  'kafka.server<type=raft-metrics><>current-state: leader',
  'kafka.server<type=socket-server-metrics, listener=TLS-9093, networkProcessor=1><>connection-count: 3',
];

const exported = KAFKA_MBEANS.map((mbean) => ({ mbean, sample: exportSample(mbean) }));
const exportedNames = new Set(exported.map(({ sample }) => sample?.name));

/** `kafka_*` metric names a PromQL expression reads, except Kafka Exporter's (`kafka_consumergroup_*`). */
const jmxMetricsIn = (expression: string): string[] =>
  [...expression.matchAll(/\b(kafka_[a-z0-9_]+)\b/g)]
    .map((match) => match[1])
    .filter((name) => !name.startsWith('kafka_consumergroup_'));

describe('JMX exporter rules', () => {
  it('turn every Kafka MBean the platform relies on into a metric', () => {
    expect(exported.filter(({ sample }) => !sample).map(({ mbean }) => mbean)).toEqual([]);
  });

  it('name meters as counters, keep the topic, and export request latency quantiles', () => {
    const sampleOf = (mbean: string) => exported.find((candidate) => candidate.mbean === mbean)?.sample;
    expect(sampleOf(KAFKA_MBEANS[4])).toEqual({
      name: 'kafka_server_brokertopicmetrics_bytesin_total',
      labels: {},
    });
    expect(sampleOf(KAFKA_MBEANS[7])).toEqual({
      name: 'kafka_server_brokertopicmetrics_bytesin_total',
      labels: { topic: 'orders' },
    });
    expect(sampleOf(KAFKA_MBEANS[9])).toEqual({
      name: 'kafka_network_requestmetrics_totaltimems',
      labels: { request: 'Produce', quantile: '0.99' },
    });
    expect(sampleOf(KAFKA_MBEANS[10])).toEqual({
      name: 'kafka_log_log_size',
      labels: { topic: 'orders', partition: '0' },
    });
    expect(sampleOf(KAFKA_MBEANS[11])).toEqual({
      name: 'kafka_server_raftmetrics_current_state',
      labels: { current_state: 'leader' },
    });
  });

  it('every Kafka metric an alert reads is one the exporter produces', () => {
    const rules = kafkaAlertRules({ brokers: 3, controllers: 3, consumerLagThreshold: 1000 }).groups.flatMap(
      (group) => group.rules,
    );
    const read = rules.flatMap((rule) => jmxMetricsIn(rule.expr));
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name) => !exportedNames.has(name))).toEqual([]);
  });

  it('every Kafka metric a dashboard panel reads is one the exporter produces', () => {
    const dashboard = kafkaOverviewDashboard({ brokers: 3, controllers: 3 }) as {
      panels: { targets: { expr: string }[] }[];
    };
    const read = dashboard.panels.flatMap((panel) =>
      panel.targets.flatMap((target) => jmxMetricsIn(target.expr)),
    );
    expect(read.length).toBeGreaterThan(0);
    expect(read.filter((name) => !exportedNames.has(name))).toEqual([]);
  });

  it('render as YAML the exporter reads (JSON is YAML flow style)', () => {
    expect(JSON.parse(renderJmxExporterConfig())).toEqual(KAFKA_JMX_EXPORTER_CONFIG);
  });
});

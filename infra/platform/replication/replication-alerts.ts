import type { ReplicationMirror } from '../../types';
import type { AlertRule } from '../kafka-alerts';
import { NAMESPACES } from '../names';

/**
 * Alerts of one mirror on its target cluster, as the `spec` of a PrometheusRule. MirrorMaker 2 reports, per
 * mirrored partition, how long records took from the source's append to the target's write
 * (`replication_latency_ms`) and their age (`record_age_ms`); the checkpoint connector how far its offset
 * checkpoints trail (`checkpoint_latency_ms`). Strimzi 1.x has no heartbeat connector, so "no metrics at all"
 * is its own alert (a stopped or crashed MirrorMaker 2 is silent, not slow).
 */
export function replicationAlertRules(mirror: ReplicationMirror): {
  groups: { name: string; rules: AlertRule[] }[];
} {
  const pods = `namespace="${NAMESPACES.kafka}",pod=~"${mirror.name}-mirrormaker2-.*"`;
  const latencyMs = mirror.alerts.replicationLatencySeconds * 1000;
  const checkpointMs = mirror.alerts.checkpointAgeSeconds * 1000;
  const from = `from ${mirror.sourceAlias} into ${mirror.targetAlias}`;
  const rules: AlertRule[] = [
    {
      alert: 'ReplicationLagHigh',
      expr: `max by (topic) (kafka_connect_mirror_source_connector_replication_latency_ms_max{${pods}}) > ${latencyMs}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `Mirroring ${from} is behind`,
        description: `Records of {{ $labels.topic }} take {{ $value }} ms to be mirrored (threshold ${latencyMs} ms).`,
      },
    },
    {
      alert: 'ReplicationRecordAgeHigh',
      expr: `max by (topic) (kafka_connect_mirror_source_connector_record_age_ms_max{${pods}}) > ${latencyMs}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `Mirrored records ${from} are old when they arrive`,
        description: `Records of {{ $labels.topic }} are {{ $value }} ms old when written (threshold ${latencyMs} ms).`,
      },
    },
    {
      alert: 'ReplicationCheckpointStale',
      expr: `max by (group) (kafka_connect_mirror_checkpoint_connector_checkpoint_latency_ms_max{${pods}}) > ${checkpointMs}`,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: {
        summary: `Consumer offsets ${from} are not synced`,
        description: `The last checkpoint of group {{ $labels.group }} is {{ $value }} ms old (threshold ${checkpointMs} ms).`,
      },
    },
  ];
  if (!mirror.paused) {
    rules.push({
      alert: 'ReplicationMetricsAbsent',
      expr: `absent(kafka_connect_mirror_source_connector_replication_latency_ms_max{${pods}})`,
      for: '15m',
      labels: { severity: 'critical' },
      annotations: {
        summary: `MirrorMaker 2 ${from} reports nothing`,
        description: `No replication metrics from ${mirror.name} for 15 minutes: it is down or cannot reach the source.`,
      },
    });
  }
  return { groups: [{ name: `replication-${mirror.name}`, rules }] };
}

import * as pulumi from '@pulumi/pulumi';
import type { PipelineStageWorkload, PipelineWorkload } from '../../types';

/** Pipelines as libs/pipelines hands them over, for the platform's unit tests (`*.spec.ts` only). */

const RUNNER_IMAGE = 'streamplane/pipeline-runner:0.1.0';
const HOUR_MS = 3_600_000;

const stage = (overrides: Partial<PipelineStageWorkload> & Pick<PipelineStageWorkload, 'name' | 'kind'>) =>
  ({
    image: RUNNER_IMAGE,
    config: {},
    readTopics: [],
    writeTopics: [],
    scaling: { minReplicas: 1, maxReplicas: 6, lagThreshold: 1000 },
    ...overrides,
  }) satisfies PipelineStageWorkload;

/**
 * MQTT devices → filter → validate (with a dead-letter topic) → PostgreSQL. Topic names hold '.', '_' and
 * capitals, which Kubernetes names cannot.
 */
export function makeOrdersPipeline(overrides: Partial<PipelineWorkload> = {}): PipelineWorkload {
  const topic = (topicName: string) => ({
    topicName,
    partitions: 6,
    replicas: 3,
    retentionMs: 168 * HOUR_MS,
    cleanupPolicy: 'delete' as const,
    retainOnDelete: true,
  });
  return {
    id: '0b8a4a52-3d0e-4f5e-9a40-6f7c1d2e3f41',
    name: 'orders',
    paused: false,
    topics: [
      topic('orders.ingest'),
      topic('orders.clean_v1'),
      topic('orders.Validated'),
      topic('orders.validate.dead-letter'),
    ],
    stages: [
      stage({
        name: 'ingest',
        kind: 'source.mqtt',
        config: { topicFilter: 'plant/+/orders', qos: 1, brokerUrl: 'mqtts://mqtt.example.com:8883' },
        secretEnv: { MQTT_PASSWORD: pulumi.secret('mqtt-secret') },
        outputTopic: 'orders.ingest',
        writeTopics: ['orders.ingest'],
      }),
      stage({
        name: 'clean',
        kind: 'transform.filter',
        config: { match: 'all', predicates: [{ field: 'status', op: 'ne', value: 'test' }] },
        inputTopic: 'orders.ingest',
        outputTopic: 'orders.clean_v1',
        consumerGroup: 'sp-orders-clean',
        readTopics: ['orders.ingest'],
        writeTopics: ['orders.clean_v1'],
      }),
      stage({
        name: 'validate',
        kind: 'transform.validate',
        config: { schema: { type: 'object', required: ['id'] }, onInvalid: 'dead-letter' },
        inputTopic: 'orders.clean_v1',
        outputTopic: 'orders.Validated',
        consumerGroup: 'sp-orders-validate',
        readTopics: ['orders.clean_v1'],
        writeTopics: ['orders.Validated', 'orders.validate.dead-letter'],
        scaling: { minReplicas: 2, maxReplicas: 6, lagThreshold: 250 },
      }),
      stage({
        name: 'store',
        kind: 'sink.postgres',
        config: { table: 'orders', mode: 'upsert', keyColumns: ['id'] },
        secretEnv: { POSTGRES_CONNECTION_STRING: 'postgres://writer:pw@db.example.com:5432/shop' },
        inputTopic: 'orders.Validated',
        consumerGroup: 'sp-orders-store',
        readTopics: ['orders.Validated'],
      }),
    ],
    ...overrides,
  };
}

/** HTTP → webhook, paused; its one topic is deleted with the pipeline. */
export function makeAuditPipeline(overrides: Partial<PipelineWorkload> = {}): PipelineWorkload {
  return {
    id: '5f2e9c1a-7b3d-4e8f-a012-3c4d5e6f7a8b',
    name: 'audit',
    paused: true,
    topics: [
      {
        topicName: 'audit_events',
        partitions: 3,
        replicas: 3,
        retentionMs: 24 * HOUR_MS,
        cleanupPolicy: 'compact',
        retainOnDelete: false,
      },
    ],
    stages: [
      stage({
        name: 'receive',
        kind: 'source.http',
        config: { path: '/audit', maxBodyBytes: 65536 },
        outputTopic: 'audit_events',
        writeTopics: ['audit_events'],
      }),
      stage({
        name: 'forward',
        kind: 'sink.http',
        config: { url: 'https://hooks.example.com/audit', batchSize: 50 },
        secretEnv: { HTTP_HEADER_AUTHORIZATION: pulumi.secret('Bearer abc') },
        inputTopic: 'audit_events',
        consumerGroup: 'sp-audit-forward',
        readTopics: ['audit_events'],
        scaling: { minReplicas: 1, maxReplicas: 3, lagThreshold: 100 },
      }),
    ],
    ...overrides,
  };
}

import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import {
  checkpointStages,
  measurementRound,
  sequenceKey,
  type RoundSamples,
} from '../src/agent/measurement-round';
import type { AgentPipeline } from '../src/control-plane/agent-pipelines-client';
import { KafkaClusterReader } from '../src/kafka/kafka-cluster-reader';
import { systemClock } from '../src/measure/agent-clock';
import { NO_PROMETHEUS_READINGS } from '../src/prometheus/prometheus-reader';

/**
 * The agent's Kafka reading against a live broker. No broker can be installed on the machines this project
 * is built on, so this runs only where KAFKA_BROKERS (host:port,…, PLAINTEXT) points at one — e.g. a
 * developer's `docker compose` Kafka — and is skipped, saying why, everywhere else.
 */
const brokers =
  process.env.KAFKA_BROKERS?.split(',')
    .map((b) => b.trim())
    .filter(Boolean) ?? [];
const live = brokers.length > 0;
if (!live) {
  console.warn(
    'live-broker.int-spec.ts skipped: KAFKA_BROKERS is not set (no Kafka broker can be installed on this ' +
      'machine). Set KAFKA_BROKERS=host:port to run the agent against a real broker.',
  );
}

(live ? describe : describe.skip)('the agent against a live Kafka broker (KAFKA_BROKERS)', () => {
  const kafka = new Kafka({ clientId: 'streamplane-agent-test', brokers, logLevel: logLevel.NOTHING });
  const suffix = randomUUID().slice(0, 8);
  const input = `agent-test-${suffix}.in`;
  const output = `agent-test-${suffix}.out`;
  const group = `sp-agent-test-${suffix}`;
  let admin: Admin;
  let producer: Producer;

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        { topic: input, numPartitions: 3, replicationFactor: 1 },
        { topic: output, numPartitions: 2, replicationFactor: 1 },
      ],
    });
  });

  afterAll(async () => {
    await admin?.deleteTopics({ topics: [input, output] }).catch(() => undefined);
    await admin?.deleteGroups([group]).catch(() => undefined);
    await Promise.all([admin?.disconnect(), producer?.disconnect()]);
  });

  const pipeline: AgentPipeline = {
    id: randomUUID(),
    name: 'agent-test',
    paused: false,
    stages: [
      { name: 'source', kind: 'source.kafka', inputTopic: null, outputTopic: input, consumerGroup: null },
      { name: 'copy', kind: 'transform.map', inputTopic: input, outputTopic: output, consumerGroup: group },
    ],
  };

  it('reads brokers, topics, end offsets and a group’s lag, and turns them into rates', async () => {
    const reader = new KafkaClusterReader(admin, systemClock);
    const round = async (previous: RoundSamples, sequence: number) => {
      const observation = await reader.observe([{ groupId: group, topic: input }]);
      return measurementRound({
        deploymentId: randomUUID(),
        agentVersion: 'test',
        simulated: false,
        interval: { start: new Date(Math.floor(Date.now() / 60_000) * 60_000), seconds: 60 },
        observedAt: new Date(),
        observation,
        previous,
        prometheus: NO_PROMETHEUS_READINGS,
        pipelines: [pipeline],
        sequences: new Map(
          checkpointStages([pipeline]).map((s) => [sequenceKey(s.pipelineId, s.stage), sequence]),
        ),
      });
    };

    const first = await round({}, 1);
    expect(first.heartbeat.brokersReady).toBeGreaterThan(0);
    expect(first.heartbeat.offlinePartitions).toBe(0);

    await producer.send({
      topic: input,
      messages: Array.from({ length: 30 }, (_, i) => ({ value: `m${i}`, partition: 0 })),
    });
    await producer.send({
      topic: output,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `o${i}` })),
    });
    // The group has committed 5 messages of partition 0 and nothing elsewhere.
    await admin.setOffsets({ groupId: group, topic: input, partitions: [{ partition: 0, offset: '5' }] });

    const second = await round(first.samples, 2);
    const source = second.checkpoints.find((c) => c.stage === 'source')!;
    const copy = second.checkpoints.find((c) => c.stage === 'copy')!;
    expect(source.lastOffset).toBe(30);
    expect(source.messagesPerSec).toBeGreaterThan(0);
    expect(copy.lastOffset).toBe(10);
    expect(copy.lag).toBe(25);
    expect(second.heartbeat.topics).toBeGreaterThanOrEqual(2);
  });
});

import { AGENT_EVENT_TYPES, AgentHeartbeat, PipelineCheckpoint } from '@streamplane/agent-protocol';
import type { AgentPipeline } from '../control-plane/agent-pipelines-client';
import { KafkaClusterReader } from '../kafka/kafka-cluster-reader';
import { NO_PROMETHEUS_READINGS, type PrometheusReadings } from '../prometheus/prometheus-reader';
import { FakeKafkaAdmin, ManualClock } from '../testing/fake-kafka-admin';
import { checkpointStages, measurementRound, sequenceKey, type RoundSamples } from './measurement-round';

const DEPLOYMENT = '0b7c9a52-5a55-4a55-8a55-1f2e3d4c5b6a';
const PIPELINE = '7e3c1f00-1111-4222-8333-444455556666';

const pipeline: AgentPipeline = {
  id: PIPELINE,
  name: 'meters',
  paused: false,
  stages: [
    {
      name: 'ingest',
      kind: 'source.mqtt',
      inputTopic: null,
      outputTopic: 'meters.ingest',
      consumerGroup: null,
    },
    {
      name: 'clean',
      kind: 'transform.filter',
      inputTopic: 'meters.ingest',
      outputTopic: 'meters.clean',
      consumerGroup: 'sp-meters-clean',
    },
    {
      name: 'store',
      kind: 'sink.http',
      inputTopic: 'meters.clean',
      outputTopic: null,
      consumerGroup: 'sp-meters-store',
    },
  ],
};

const prometheusUp: PrometheusReadings = {
  bytesInPerSec: 1_000.5,
  bytesOutPerSec: 2_500,
  underReplicatedPartitions: 0,
  offlinePartitions: 0,
  storageBytes: 3 * 100 * 2 ** 30,
  assetsByPipeline: new Map([[PIPELINE, ['dev-b', 'dev-a', 'dev-b']]]),
};

/** The agent's reading path (reader over kafkajs' Admin types) and its pure round, as one round. */
class Harness {
  admin = new FakeKafkaAdmin();
  clock = new ManualClock();
  reader = new KafkaClusterReader(this.admin, this.clock);
  samples: RoundSamples = {};
  sequence = 0;

  constructor() {
    this.admin.topic('meters.ingest', 2);
    this.admin.topic('meters.clean', 2);
    this.admin.topic('__consumer_offsets', 50);
    this.admin.topic('orders', 3);
  }

  async round(options: { prometheus?: PrometheusReadings; pipelines?: AgentPipeline[] } = {}) {
    const pipelines = options.pipelines ?? [pipeline];
    const observation = await this.reader
      .observe(
        pipelines.flatMap((p) =>
          p.stages.flatMap((s) =>
            s.consumerGroup ? [{ groupId: s.consumerGroup, topic: s.inputTopic! }] : [],
          ),
        ),
      )
      .catch(() => undefined);
    this.sequence++;
    const output = measurementRound({
      deploymentId: DEPLOYMENT,
      agentVersion: 'test',
      simulated: false,
      interval: { start: new Date('2026-11-23T13:59:50Z'), seconds: 10 },
      observedAt: this.clock.now(),
      observation,
      previous: this.samples,
      prometheus: options.prometheus ?? prometheusUp,
      pipelines,
      sequences: new Map(
        checkpointStages(pipelines).map((s) => [sequenceKey(s.pipelineId, s.stage), this.sequence]),
      ),
    });
    this.samples = output.samples;
    return output;
  }

  set(topic: string, highs: number[]): void {
    this.admin.topics.get(topic)!.forEach((p, i) => (p.high = highs[i]));
  }
}

const stage = (output: { checkpoints: PipelineCheckpoint[] }, name: string) =>
  output.checkpoints.find((c) => c.stage === name)!;

describe('a measurement round (kafkajs admin → heartbeat, checkpoints, usage)', () => {
  it('turns end-offset and commit deltas into per-stage throughput, and end minus commits into lag', async () => {
    const h = new Harness();
    h.set('meters.ingest', [100, 100]);
    h.set('meters.clean', [50, 50]);
    h.admin.commit('sp-meters-clean', 'meters.ingest', [80, 90]);
    h.admin.commit('sp-meters-store', 'meters.clean', [50, 40]);
    const first = await h.round();
    expect(stage(first, 'ingest')).toMatchObject({
      messagesPerSec: 0,
      lag: 0,
      lastOffset: 200,
      state: 'RUNNING',
    });
    expect(stage(first, 'clean')).toMatchObject({ lag: 30, lastOffset: 100 });
    expect(stage(first, 'store')).toMatchObject({ lag: 10, lastOffset: 90 });

    h.clock.advance(10_000);
    h.set('meters.ingest', [300, 400]); // +500
    h.set('meters.clean', [150, 150]); // +200
    h.admin.commit('sp-meters-clean', 'meters.ingest', [250, 300]); // +380
    h.admin.commit('sp-meters-store', 'meters.clean', [150, 100]); // +160
    const second = await h.round();

    expect(stage(second, 'ingest')).toMatchObject({ messagesPerSec: 50, lag: 0, lastOffset: 700 });
    expect(stage(second, 'clean')).toMatchObject({ messagesPerSec: 20, lag: 150, lastOffset: 300 });
    // A sink's throughput is what its group consumed.
    expect(stage(second, 'store')).toMatchObject({ messagesPerSec: 16, lag: 50, lastOffset: 250 });
    for (const c of second.checkpoints) expect(PipelineCheckpoint.parse(c)).toEqual(c);
    expect(AgentHeartbeat.parse(second.heartbeat)).toEqual(second.heartbeat);
  });

  it('reports no negative rate or lag after a topic is deleted and recreated', async () => {
    const h = new Harness();
    h.set('meters.ingest', [10_000, 10_000]);
    h.admin.commit('sp-meters-clean', 'meters.ingest', [9_000, 9_000]);
    await h.round();

    h.clock.advance(10_000);
    h.admin.topic('meters.ingest', 2); // recreated: offsets start again at 0
    h.set('meters.ingest', [30, 20]);
    const after = await h.round();

    expect(stage(after, 'ingest').messagesPerSec).toBe(5); // the 50 written since, over 10 s
    expect(stage(after, 'clean').lag).toBe(0); // commits at 9,000 are past the new end
    for (const c of after.checkpoints) expect(c.messagesPerSec).toBeGreaterThanOrEqual(0);
  });

  it('measures intervals on the monotonic clock, whatever the wall clock does', async () => {
    const h = new Harness();
    h.set('meters.ingest', [0, 0]);
    await h.round();
    h.clock.advance(10_000, -3_600_000); // NTP stepped the wall clock back an hour
    h.set('meters.ingest', [100, 100]);
    expect(stage(await h.round(), 'ingest').messagesPerSec).toBe(20);
    h.clock.advance(20_000, 86_400_000); // and then a day forward
    h.set('meters.ingest', [200, 200]);
    expect(stage(await h.round(), 'ingest').messagesPerSec).toBe(10);
  });

  it('marks a stage STALLED when messages wait and its group committed nothing over the interval', async () => {
    const h = new Harness();
    h.set('meters.ingest', [100, 100]);
    h.admin.commit('sp-meters-clean', 'meters.ingest', [10, 10]);
    await h.round();
    h.clock.advance(10_000);
    h.set('meters.ingest', [200, 200]);
    const round = await h.round();
    expect(stage(round, 'clean')).toMatchObject({ state: 'STALLED', lag: 380 });
    const paused = await h.round({ pipelines: [{ ...pipeline, paused: true }] });
    expect(stage(paused, 'clean').state).toBe('PAUSED');
  });

  it('says ERROR with the reason when a stage’s input topic is missing', async () => {
    const h = new Harness();
    h.admin.topics.delete('meters.clean');
    const round = await h.round();
    expect(stage(round, 'store')).toMatchObject({
      state: 'ERROR',
      error: expect.stringContaining('meters.clean'),
    });
  });

  it('reports the cluster health and the usage of the interval', async () => {
    const h = new Harness();
    h.admin.topics.get('orders')![1].isr = [0];
    h.admin.topics.get('orders')![2].leader = -1;
    const round = await h.round();

    expect(round.heartbeat).toMatchObject({
      brokers: 3,
      brokersReady: 3,
      topics: 4,
      partitions: 2 + 2 + 50 + 3,
      underReplicatedPartitions: 1,
      offlinePartitions: 1,
      bytesInPerSec: 1000.5,
      simulated: false,
    });
    const usage = round.events.filter((e) => e.type === AGENT_EVENT_TYPES.usage).map((e) => e.data as any);
    expect(usage).toEqual([
      { dimension: 'broker_hours', value: 0.008333333 },
      { dimension: 'partition_hours', value: expect.any(Number) },
      { dimension: 'storage_gb_hours', value: expect.any(Number) },
      { dimension: 'ingress_bytes', value: 10_005 },
      { dimension: 'egress_bytes', value: 25_000 },
      { dimension: 'pipeline_hours', value: expect.any(Number) },
      { dimension: 'connected_assets', value: 1, key: 'dev-a' },
      { dimension: 'connected_assets', value: 1, key: 'dev-b' },
    ]);
    // Internal topics are not the customer's partitions: 7 partitions for 10 s of an hour.
    expect(usage[1].value).toBeCloseTo((7 * 10) / 3600, 8);
    expect(stage(round, 'ingest').assetsSeen).toBe(2);
  });

  it('gives events ids that a resend repeats: the api deduplicates them', async () => {
    const h = new Harness();
    const a = await h.round();
    h.sequence--; // the same sequence again, as a spool replay would carry
    const b = await h.round();
    expect(b.events.filter((e) => e.type !== AGENT_EVENT_TYPES.heartbeat).map((e) => e.id)).toEqual(
      a.events.filter((e) => e.type !== AGENT_EVENT_TYPES.heartbeat).map((e) => e.id),
    );
    expect(new Set(a.events.map((e) => e.id)).size).toBe(a.events.length);
    expect(
      a.events.every((e) => e.subject === DEPLOYMENT && e.source === `/deployments/${DEPLOYMENT}/agent`),
    ).toBe(true);
  });

  it('still sends a heartbeat when Kafka cannot be read (no broker ready) and nulls when Prometheus cannot', async () => {
    const h = new Harness();
    h.admin.failWith = new Error('connect ECONNREFUSED');
    const round = await h.round({ prometheus: NO_PROMETHEUS_READINGS });
    expect(round.heartbeat).toMatchObject({
      brokers: 0,
      brokersReady: 0,
      bytesInPerSec: null,
      bytesOutPerSec: null,
    });
    expect(round.checkpoints).toEqual([]);
    expect(
      round.events.filter((e) => e.type === AGENT_EVENT_TYPES.usage).map((e) => (e.data as any).dimension),
    ).toEqual(['pipeline_hours']);
  });
});

import type { AgentPipeline } from '../control-plane/agent-pipelines-client';
import { KafkaClusterReader } from '../kafka/kafka-cluster-reader';
import { consumerLag } from '../measure/consumer-lag';
import { ManualClock } from '../testing/fake-kafka-admin';
import { SimulatedDataPlane } from './simulated-data-plane';
import { activity, devicesSeen, profileOf } from './traffic-model';

const deployment = {
  id: '0b7c9a52-5a55-4a55-8a55-1f2e3d4c5b6a',
  orgId: 'o',
  brokers: 3,
  storagePerBrokerGiB: 100,
};
const pipeline: AgentPipeline = {
  id: '7e3c1f00-1111-4222-8333-444455556666',
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

describe('the simulated data plane (SIMULATION)', () => {
  it('moves a pipeline’s offsets forward and its consumer lag up and down over time', async () => {
    const clock = new ManualClock(0, new Date('2026-11-23T14:00:00Z'));
    const plane = new SimulatedDataPlane(deployment, clock);
    plane.setPipelines([pipeline]);
    const reader = new KafkaClusterReader(plane, clock);
    const lags: number[] = [];
    let lastEnd = 0;
    for (let minute = 0; minute < 30; minute++) {
      clock.advance(60_000);
      const seen = await reader.observe([{ groupId: 'sp-meters-clean', topic: 'meters.ingest' }]);
      const end = [...seen.ranges.get('meters.ingest')!.values()].reduce((s, r) => s + r.high, 0);
      expect(end).toBeGreaterThan(lastEnd);
      lastEnd = end;
      lags.push(consumerLag(seen.ranges.get('meters.ingest')!, seen.committed.get('sp-meters-clean')!));
    }
    expect(Math.max(...lags)).toBeGreaterThan(0);
    // Falls behind and catches up: the lag both grows and shrinks within half an hour.
    expect(lags.some((lag, i) => i > 0 && lag > lags[i - 1])).toBe(true);
    expect(lags.some((lag, i) => i > 0 && lag < lags[i - 1])).toBe(true);
  });

  it('stops moving a paused pipeline and describes a healthy cluster of the deployment’s size', async () => {
    const clock = new ManualClock();
    const plane = new SimulatedDataPlane(deployment, clock);
    plane.setPipelines([{ ...pipeline, paused: true }]);
    clock.advance(1_000);
    const before = await plane.fetchTopicOffsets('meters.ingest');
    clock.advance(60_000);
    expect(await plane.fetchTopicOffsets('meters.ingest')).toEqual(before);
    expect((await plane.describeCluster()).brokers).toHaveLength(3);
    const { topics } = await plane.fetchTopicMetadata();
    expect(topics.find((t) => t.name === 'meters.ingest')!.partitions).toHaveLength(6);
    expect(topics.length).toBe(1 + profileOf(deployment).baseTopics + 2);
  });

  it('reports MQTT device ids for connected assets and bytes that follow the day', async () => {
    const clock = new ManualClock(0, new Date('2026-11-23T15:00:00Z'));
    const plane = new SimulatedDataPlane(deployment, clock);
    plane.setPipelines([pipeline]);
    const readings = await plane.read(60);
    const devices = readings.assetsByPipeline!.get(pipeline.id)!;
    expect(devices.length).toBeGreaterThan(0);
    expect(devices[0]).toMatch(/^sensor-7e3c1f00-\d{4}$/);
    expect(readings.bytesOutPerSec!).toBeGreaterThan(readings.bytesInPerSec!);
    expect(activity(new Date('2026-11-23T15:00:00Z'))).toBeGreaterThan(
      activity(new Date('2026-11-23T03:00:00Z')),
    );
    // Deterministic: the same window gives the same devices.
    expect(devicesSeen(pipeline.id, clock.now(), 60)).toEqual(devices);
  });
});

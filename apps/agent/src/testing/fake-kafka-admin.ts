import type { ITopicMetadata } from 'kafkajs';
import type { KafkaAdminReads } from '../kafka/kafka-cluster-reader';

/** A partition as the fake cluster holds it. */
export interface FakePartition {
  leader: number;
  replicas: number[];
  isr: number[];
  low: number;
  high: number;
}

/**
 * An in-memory cluster behind kafkajs' own Admin method types (KafkaAdminReads is a Pick of kafkajs'
 * `Admin`): tests set topics, offsets and commits, the agent reads them as it reads a real broker.
 */
export class FakeKafkaAdmin implements KafkaAdminReads {
  brokers = [0, 1, 2];
  topics = new Map<string, FakePartition[]>();
  /** group → topic → partition → committed offset. */
  commits = new Map<string, Map<string, Map<number, number>>>();
  failWith?: Error;
  connected = false;

  connect(): Promise<void> {
    this.connected = true;
    return Promise.resolve();
  }

  disconnect(): Promise<void> {
    this.connected = false;
    return Promise.resolve();
  }

  topic(name: string, partitions: number, replicas = [0, 1, 2]): FakePartition[] {
    const list = Array.from({ length: partitions }, () => ({
      leader: replicas[0],
      replicas: [...replicas],
      isr: [...replicas],
      low: 0,
      high: 0,
    }));
    this.topics.set(name, list);
    return list;
  }

  commit(group: string, topic: string, offsets: number[]): void {
    const byTopic = this.commits.get(group) ?? new Map<string, Map<number, number>>();
    byTopic.set(topic, new Map(offsets.map((offset, partition) => [partition, offset])));
    this.commits.set(group, byTopic);
  }

  describeCluster: KafkaAdminReads['describeCluster'] = () =>
    this.answer({
      brokers: this.brokers.map((nodeId) => ({ nodeId, host: `b${nodeId}`, port: 9092 })),
      controller: this.brokers[0] ?? null,
      clusterId: 'fake',
    });

  fetchTopicMetadata: KafkaAdminReads['fetchTopicMetadata'] = () =>
    this.answer({
      topics: [...this.topics].map(([name, partitions]): ITopicMetadata => ({
        name,
        partitions: partitions.map((p, partitionId) => ({
          partitionErrorCode: 0,
          partitionId,
          leader: p.leader,
          replicas: p.replicas,
          isr: p.isr,
        })),
      })),
    });

  fetchTopicOffsets: KafkaAdminReads['fetchTopicOffsets'] = (topic) => {
    const partitions = this.topics.get(topic);
    if (!partitions) return Promise.reject(new Error(`unknown topic ${topic}`));
    return this.answer(
      partitions.map((p, partition) => ({
        partition,
        offset: String(p.high),
        high: String(p.high),
        low: String(p.low),
      })),
    );
  };

  fetchOffsets: KafkaAdminReads['fetchOffsets'] = ({ groupId, topics }) =>
    this.answer(
      (topics ?? []).map((topic) => ({
        topic,
        partitions: (this.topics.get(topic) ?? []).map((_, partition) => ({
          partition,
          offset: String(this.commits.get(groupId)?.get(topic)?.get(partition) ?? -1),
          metadata: null,
        })),
      })),
    );

  private answer<T>(value: T): Promise<T> {
    return this.failWith ? Promise.reject(this.failWith) : Promise.resolve(value);
  }
}

/** A clock the test moves: monotonic and wall time independently (to skew one against the other). */
export class ManualClock {
  constructor(
    public monotonic = 1_000,
    public wall = new Date('2026-11-23T14:00:00Z'),
  ) {}
  monotonicMs = () => this.monotonic;
  now = () => new Date(this.wall);
  advance(ms: number, wallMs = ms): void {
    this.monotonic += ms;
    this.wall = new Date(this.wall.getTime() + wallMs);
  }
}

import type { Admin, ITopicMetadata } from 'kafkajs';
import type { AgentClock } from '../measure/agent-clock';
import type { PartitionRange } from '../measure/consumer-lag';

/** The part of kafkajs' admin client the agent reads with (tests hand it a fake of these). */
export type KafkaAdminReads = Pick<
  Admin,
  'describeCluster' | 'fetchTopicMetadata' | 'fetchTopicOffsets' | 'fetchOffsets'
>;

/** A consumer group and the topic it reads (a pipeline stage). */
export interface WatchedGroup {
  groupId: string;
  topic: string;
}

/** What the agent read from the cluster in one round. */
export interface ClusterObservation {
  /** When the offsets were read, on the agent's monotonic clock. */
  monotonicMs: number;
  liveBrokerIds: number[];
  topics: ITopicMetadata[];
  /** Per topic, per partition: the retained range (low, high = end offset). */
  ranges: Map<string, Map<number, PartitionRange>>;
  /** Per watched group, per partition of its topic: the committed offset (−1: none). */
  committed: Map<string, Map<number, number>>;
}

export interface KafkaClusterReaderOptions {
  /** Topics whose offsets are fetched at once (one request per topic in kafkajs). */
  concurrency: number;
}

/**
 * Reads a Kafka cluster through kafkajs' admin client: brokers (describeCluster), topics and partitions
 * (fetchTopicMetadata), end offsets (fetchTopicOffsets), and the committed offsets of the consumer groups
 * of the pipeline stages (fetchOffsets). Errors propagate: the caller decides what a failed read means.
 */
export class KafkaClusterReader {
  constructor(
    private readonly admin: KafkaAdminReads,
    private readonly clock: AgentClock,
    private readonly options: KafkaClusterReaderOptions = { concurrency: 8 },
  ) {}

  async observe(groups: readonly WatchedGroup[]): Promise<ClusterObservation> {
    const cluster = await this.admin.describeCluster();
    const { topics } = await this.admin.fetchTopicMetadata();
    const monotonicMs = this.clock.monotonicMs();
    const ranges = new Map<string, Map<number, PartitionRange>>();
    const queue = topics.map((topic) => topic.name);
    const lane = async () => {
      for (let topic = queue.shift(); topic !== undefined; topic = queue.shift()) {
        const offsets = await this.admin.fetchTopicOffsets(topic);
        ranges.set(
          topic,
          new Map(offsets.map((o) => [o.partition, { low: Number(o.low), high: Number(o.high) }])),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.options.concurrency) }, lane));

    const committed = new Map<string, Map<number, number>>();
    for (const { groupId, topic } of groups) {
      if (!ranges.has(topic)) continue; // the stage's topic does not exist (yet): nothing to measure
      const answer = await this.admin.fetchOffsets({ groupId, topics: [topic] });
      const partitions = answer.find((t) => t.topic === topic)?.partitions ?? [];
      committed.set(groupId, new Map(partitions.map((p) => [p.partition, Number(p.offset)])));
    }
    return {
      monotonicMs,
      liveBrokerIds: cluster.brokers.map((b) => b.nodeId),
      topics,
      ranges,
      committed,
    };
  }
}

/** Internal topics (`__consumer_offsets`, Strimzi's `__strimzi…`) are the platform's, not the customer's. */
export function isInternalTopic(name: string): boolean {
  return name.startsWith('__');
}

import type { ITopicMetadata } from 'kafkajs';

export interface PartitionHealth {
  topics: number;
  partitions: number;
  /** Fewer in-sync replicas than replicas. */
  underReplicatedPartitions: number;
  /** No leader (kafkajs reports leader −1): nobody can produce to or consume from it. */
  offlinePartitions: number;
}

/** Counts from topic metadata (kafkajs `fetchTopicMetadata`). */
export function partitionHealth(topics: readonly ITopicMetadata[]): PartitionHealth {
  const health: PartitionHealth = {
    topics: topics.length,
    partitions: 0,
    underReplicatedPartitions: 0,
    offlinePartitions: 0,
  };
  for (const topic of topics) {
    for (const partition of topic.partitions) {
      health.partitions++;
      if (partition.isr.length < partition.replicas.length) health.underReplicatedPartitions++;
      if (partition.leader < 0) health.offlinePartitions++;
    }
  }
  return health;
}

/**
 * Brokers the cluster has and those answering: describeCluster lists the live ones; a broker that is down
 * still holds replicas in the metadata, so the replica ids it names are the ones the cluster expects.
 */
export function brokerCounts(
  liveBrokerIds: readonly number[],
  topics: readonly ITopicMetadata[],
): { brokers: number; brokersReady: number } {
  const all = new Set(liveBrokerIds);
  for (const topic of topics)
    for (const partition of topic.partitions) for (const id of partition.replicas) all.add(id);
  return { brokers: all.size, brokersReady: new Set(liveBrokerIds).size };
}

import type { ITopicMetadata } from 'kafkajs';
import { brokerCounts, partitionHealth } from './partition-health';

const partition = (leader: number, replicas: number[], isr: number[]) => ({
  partitionErrorCode: 0,
  partitionId: 0,
  leader,
  replicas,
  isr,
});

const topics: ITopicMetadata[] = [
  { name: 'a', partitions: [partition(0, [0, 1, 2], [0, 1, 2]), partition(1, [1, 2, 3], [1, 2])] },
  { name: 'b', partitions: [partition(-1, [3, 4, 5], []), partition(2, [2, 0, 1], [2, 0, 1])] },
];

describe('partition health from kafkajs topic metadata', () => {
  it('counts under-replicated (isr < replicas) and offline (leader < 0) partitions', () => {
    expect(partitionHealth(topics)).toEqual({
      topics: 2,
      partitions: 4,
      underReplicatedPartitions: 2, // an offline partition has no ISR either
      offlinePartitions: 1,
    });
  });

  it('counts a broker that holds replicas but does not answer as expected and not ready', () => {
    expect(brokerCounts([0, 1, 2], topics)).toEqual({ brokers: 6, brokersReady: 3 });
    expect(brokerCounts([0, 1, 2], [])).toEqual({ brokers: 3, brokersReady: 3 });
  });
});

/** One partition's retained range: `low` the first offset still stored, `high` the next to be written. */
export interface PartitionRange {
  low: number;
  high: number;
}

/**
 * How many messages a consumer group is behind on one topic: per partition, the end offset minus the
 * group's committed offset, summed.
 *
 * - No committed offset (kafkajs gives -1): the group has read nothing there yet, so everything retained
 *   (high − low) is waiting.
 * - A committed offset beyond the end (the topic was recreated and starts again from 0): nothing is
 *   waiting that the group has not passed; 0, never negative.
 * - A committed offset below `low` (retention deleted unread messages): only what still exists can be read.
 */
export function consumerLag(
  ends: ReadonlyMap<number, PartitionRange>,
  committed: ReadonlyMap<number, number>,
): number {
  let lag = 0;
  for (const [partition, range] of ends) {
    const offset = committed.get(partition);
    const from = offset === undefined || offset < 0 ? range.low : Math.max(offset, range.low);
    lag += Math.max(0, range.high - from);
  }
  return lag;
}

/** End offsets of some topics at one moment: topic → partition → next offset to be written. */
export type EndOffsets = ReadonlyMap<string, ReadonlyMap<number, number>>;

/** End offsets read at `monotonicMs` on the agent's monotonic clock (never a broker's time). */
export interface OffsetSample {
  monotonicMs: number;
  offsets: EndOffsets;
}

export interface TopicRate {
  /** Messages written to the topic between the two samples. */
  messages: number;
  messagesPerSec: number;
  /** Partitions whose end offset went backwards (the topic was deleted and recreated in between). */
  resetPartitions: number[];
}

/**
 * Messages written per topic between two samples, from end-offset deltas over the agent's monotonic time.
 *
 * - A partition whose end offset went backwards was recreated: its new end offset is what was written since
 *   (a lower bound), never a negative delta.
 * - A topic or partition not in the previous sample has no baseline yet: it counts from the next sample
 *   (counting its whole history as this interval's traffic would report a spike that never happened).
 * - No previous sample, or no time elapsed between them: no rate (undefined), rather than a division by 0.
 */
export function topicRates(
  previous: OffsetSample | undefined,
  current: OffsetSample,
): Map<string, TopicRate> | undefined {
  if (!previous) return undefined;
  const elapsedMs = current.monotonicMs - previous.monotonicMs;
  if (!(elapsedMs > 0)) return undefined;
  const rates = new Map<string, TopicRate>();
  for (const [topic, partitions] of current.offsets) {
    const before = previous.offsets.get(topic);
    let messages = 0;
    const resetPartitions: number[] = [];
    for (const [partition, end] of partitions) {
      const was = before?.get(partition);
      if (was === undefined) continue;
      if (end < was) {
        resetPartitions.push(partition);
        messages += end;
      } else {
        messages += end - was;
      }
    }
    rates.set(topic, { messages, messagesPerSec: messages / (elapsedMs / 1000), resetPartitions });
  }
  return rates;
}

/** Sum of a topic's end offsets: a stage's "last processed position" (0 for a topic not read). */
export function totalEndOffset(offsets: EndOffsets, topic: string): number {
  let total = 0;
  for (const end of offsets.get(topic)?.values() ?? []) total += end;
  return total;
}

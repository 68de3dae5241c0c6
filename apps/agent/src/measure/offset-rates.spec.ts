import { topicRates, totalEndOffset, type OffsetSample } from './offset-rates';

const sample = (monotonicMs: number, topics: Record<string, number[]>): OffsetSample => ({
  monotonicMs,
  offsets: new Map(Object.entries(topics).map(([t, ends]) => [t, new Map(ends.map((e, p) => [p, e]))])),
});

describe('end-offset deltas to messages per second', () => {
  it('divides what each topic gained by the monotonic time between the samples', () => {
    const rates = topicRates(
      sample(0, { a: [100, 200], b: [5] }),
      sample(10_000, { a: [150, 300], b: [5] }),
    )!;
    expect(rates.get('a')).toEqual({ messages: 150, messagesPerSec: 15, resetPartitions: [] });
    expect(rates.get('b')).toEqual({ messages: 0, messagesPerSec: 0, resetPartitions: [] });
  });

  it('never gives a negative rate when a topic was recreated between samples (offsets went backwards)', () => {
    const rates = topicRates(sample(0, { a: [1_000, 2_000] }), sample(5_000, { a: [40, 2_010] }))!;
    // Partition 0 starts again from 0: the 40 written since count, the lost 1,000 do not subtract.
    expect(rates.get('a')).toEqual({ messages: 50, messagesPerSec: 10, resetPartitions: [0] });
  });

  it('counts a new topic or partition from its first sample on, not its whole history at once', () => {
    const rates = topicRates(sample(0, { a: [10] }), sample(1_000, { a: [20, 5_000], fresh: [9_999] }))!;
    expect(rates.get('a')!.messages).toBe(10);
    expect(rates.get('fresh')!.messages).toBe(0);
  });

  it('gives no rate without a previous sample or when no time passed', () => {
    expect(topicRates(undefined, sample(0, { a: [1] }))).toBeUndefined();
    expect(topicRates(sample(5, { a: [1] }), sample(5, { a: [9] }))).toBeUndefined();
    expect(topicRates(sample(9, { a: [1] }), sample(5, { a: [9] }))).toBeUndefined();
  });

  it('sums a topic’s end offsets as its position', () => {
    expect(totalEndOffset(sample(0, { a: [3, 4] }).offsets, 'a')).toBe(7);
    expect(totalEndOffset(sample(0, {}).offsets, 'a')).toBe(0);
  });
});

import { mergeIngestOutcomes, splitBatch } from './ingest-batch';

describe('mixed batches', () => {
  it('splits by a predicate keeping each item’s position in the batch', () => {
    const [usage, telemetry] = splitBatch(['u0', 't1', 'u2', 't3', 't4'], (item) =>
      String(item).startsWith('t'),
    );
    expect(usage).toEqual({ items: ['u0', 'u2'], indices: [0, 2] });
    expect(telemetry).toEqual({ items: ['t1', 't3', 't4'], indices: [1, 3, 4] });
  });

  it('merges the paths’ outcomes into one response, every list in batch order', () => {
    const rejection = (index: number) => ({ id: null, index, reason: 'UNKNOWN_TYPE' as const, message: 'm' });
    expect(
      mergeIngestOutcomes(
        {
          accepted: [
            { index: 0, id: 'a' },
            { index: 4, id: 'e' },
          ],
          duplicates: [{ index: 2, id: 'c' }],
          rejected: [rejection(5)],
        },
        {
          accepted: [{ index: 1, id: 'b' }],
          duplicates: [{ index: 3, id: 'd' }],
          rejected: [rejection(6), rejection(7)],
        },
      ),
    ).toEqual({
      accepted: ['a', 'b', 'e'],
      duplicates: ['c', 'd'],
      rejected: [rejection(5), rejection(6), rejection(7)],
    });
  });
});

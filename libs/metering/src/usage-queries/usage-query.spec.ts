import { DomainError } from '@streamplane/errors';
import { bucketStart, chunksOf, parseUsageQuery, UsageGranularity } from './usage-query';

const d = (iso: string) => new Date(iso);

function reasonOf(attempt: () => unknown): string {
  try {
    attempt();
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    return (error as DomainError).reason;
  }
  throw new Error('expected a DomainError');
}

describe('usage queries', () => {
  it('widens the range to the whole UTC hours it touches', () => {
    expect(
      parseUsageQuery({
        from: d('2026-11-01T10:30:00+02:00'),
        to: d('2026-11-01T12:00:00.001Z'),
        granularity: UsageGranularity.HOUR,
      }),
    ).toEqual({ from: d('2026-11-01T08:00:00Z'), to: d('2026-11-01T13:00:00Z'), granularity: 'HOUR' });
  });

  it('keeps filters, drops empty ones', () => {
    const id = '0b7c9a52-5a55-4a55-8a55-1f2e3d4c5b6a';
    const base = {
      from: d('2026-11-01T00:00:00Z'),
      to: d('2026-11-02T00:00:00Z'),
      granularity: UsageGranularity.DAY,
    };
    expect(parseUsageQuery({ ...base, dimension: 'broker_hours', deploymentId: id })).toMatchObject({
      dimension: 'broker_hours',
      deploymentId: id,
    });
    expect(parseUsageQuery({ ...base, dimension: null, deploymentId: null })).not.toHaveProperty('dimension');
  });

  it.each([
    ['to before from', '2026-11-02T00:00:00Z', '2026-11-01T00:00:00Z', 'HOUR', 'INVALID_RANGE'],
    ['an empty range', '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'HOUR', 'INVALID_RANGE'],
    [
      '31 days and an hour of hours',
      '2026-10-01T00:00:00Z',
      '2026-11-01T00:00:01Z',
      'HOUR',
      'RANGE_TOO_LONG',
    ],
    ['401 days of days', '2025-01-01T00:00:00Z', '2026-02-06T00:00:00Z', 'DAY', 'RANGE_TOO_LONG'],
    ['the 19th century', '1899-01-01T00:00:00Z', '1899-01-02T00:00:00Z', 'DAY', 'INVALID_RANGE'],
    ['an invalid date', 'not a date', '2026-11-01T00:00:00Z', 'DAY', 'INVALID_INPUT'],
  ])('refuses %s', (_label, from, to, granularity, reason) => {
    expect(
      reasonOf(() =>
        parseUsageQuery({ from: d(from), to: d(to), granularity: granularity as UsageGranularity }),
      ),
    ).toBe(reason);
  });

  it('cuts buckets in UTC', () => {
    const t = d('2026-12-31T23:59:59.999Z');
    expect(bucketStart(t, UsageGranularity.HOUR)).toEqual(d('2026-12-31T23:00:00Z'));
    expect(bucketStart(t, UsageGranularity.DAY)).toEqual(d('2026-12-31T00:00:00Z'));
    expect(bucketStart(t, UsageGranularity.MONTH)).toEqual(d('2026-12-01T00:00:00Z'));
  });

  it.each([
    [UsageGranularity.HOUR, '2026-11-01T05:00:00Z', '2026-11-03T02:00:00Z'],
    [UsageGranularity.DAY, '2026-10-30T05:00:00Z', '2026-11-20T02:00:00Z'],
    [UsageGranularity.MONTH, '2025-11-15T05:00:00Z', '2026-02-03T00:00:00Z'],
  ])('streams %s buckets in consecutive windows that never split a bucket', (granularity, from, to) => {
    const chunks = chunksOf({ from: d(from), to: d(to), granularity });
    expect(chunks[0].from).toEqual(d(from));
    expect(chunks[chunks.length - 1].to).toEqual(d(to));
    for (let i = 1; i < chunks.length; i++) {
      expect(chunks[i].from).toEqual(chunks[i - 1].to);
      // Every boundary between windows is a bucket boundary.
      expect(bucketStart(chunks[i].from, granularity)).toEqual(chunks[i].from);
    }
    expect(chunks.length).toBeGreaterThan(1);
  });
});

import { assertNever, parseInput } from '@streamplane/errors';
import { z } from 'zod';
import { UsageQueryError, UsageQueryErrorCode as Code } from './usage-queries.errors';

/** The width of a usage bucket. Every bucket is a UTC hour, day or calendar month. */
export enum UsageGranularity {
  HOUR = 'HOUR',
  DAY = 'DAY',
  MONTH = 'MONTH',
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export const USAGE_QUERY_LIMITS = {
  /** The longest range at HOUR granularity (744 buckets). */
  maxHourRangeDays: 31,
  /** The longest range at DAY and MONTH granularity (a year and a bit, for year-over-year views). */
  maxRangeDays: 400,
  /** Points one GraphQL answer may carry; the CSV export streams and has no such cap. */
  maxPoints: 20_000,
  /** Bounds no real range reaches; they keep odd dates (year 0, year 275760) away from the database. */
  earliest: new Date('2000-01-01T00:00:00Z'),
  latest: new Date('2200-01-01T00:00:00Z'),
} as const;

const UsageQueryInput = z.strictObject({
  from: z.date({ error: 'must be a date-time' }),
  to: z.date({ error: 'must be a date-time' }),
  granularity: z.enum(UsageGranularity),
  dimension: z.string().trim().min(1).max(64).nullish(),
  deploymentId: z.uuid({ error: 'must be a deployment id' }).nullish(),
});
export type UsageQueryInput = z.input<typeof UsageQueryInput>;

/**
 * A validated usage query. `from`/`to` are whole UTC hours, half-open: [from, to). An hour is the
 * smallest unit usage is kept in, so a range is widened to the hours it touches (`from` down, `to` up).
 */
export interface UsageQuery {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
  dimension?: string;
  deploymentId?: string;
}

/** Parses and bounds a query; the dimension and deployment are checked against the database later. */
export function parseUsageQuery(input: UsageQueryInput): UsageQuery {
  const parsed = parseInput(UsageQueryInput, input);
  const from = new Date(Math.floor(parsed.from.getTime() / HOUR_MS) * HOUR_MS);
  const to = new Date(Math.ceil(parsed.to.getTime() / HOUR_MS) * HOUR_MS);
  const { earliest, latest } = USAGE_QUERY_LIMITS;
  if (from < earliest || to > latest) {
    throw new UsageQueryError(
      Code.INVALID_RANGE,
      `The range must lie between ${earliest.toISOString()} and ${latest.toISOString()}.`,
      [{ field: from < earliest ? 'from' : 'to', message: 'is out of range' }],
    );
  }
  if (parsed.from.getTime() >= parsed.to.getTime()) {
    throw new UsageQueryError(Code.INVALID_RANGE, '`from` must be before `to` (the range is [from, to)).', [
      { field: 'to', message: 'must be after from' },
    ]);
  }
  const maxDays =
    parsed.granularity === UsageGranularity.HOUR
      ? USAGE_QUERY_LIMITS.maxHourRangeDays
      : USAGE_QUERY_LIMITS.maxRangeDays;
  if (to.getTime() - from.getTime() > maxDays * DAY_MS) {
    throw new UsageQueryError(
      Code.RANGE_TOO_LONG,
      `At ${parsed.granularity} granularity a range spans at most ${maxDays} days` +
        (parsed.granularity === UsageGranularity.HOUR ? '; use DAY or MONTH for longer ones.' : '.'),
      [{ field: 'to', message: `must be at most ${maxDays} days after from` }],
    );
  }
  return {
    from,
    to,
    granularity: parsed.granularity,
    ...(parsed.dimension ? { dimension: parsed.dimension } : {}),
    ...(parsed.deploymentId ? { deploymentId: parsed.deploymentId } : {}),
  };
}

/** The start of the UTC bucket holding `time`. */
export function bucketStart(time: Date, granularity: UsageGranularity): Date {
  switch (granularity) {
    case UsageGranularity.HOUR:
      return new Date(Math.floor(time.getTime() / HOUR_MS) * HOUR_MS);
    case UsageGranularity.DAY:
      return new Date(Math.floor(time.getTime() / DAY_MS) * DAY_MS);
    case UsageGranularity.MONTH:
      return new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth(), 1));
    default:
      return assertNever(granularity);
  }
}

/** The start of the bucket `count` buckets after the one starting at `start`. */
export function addBuckets(start: Date, granularity: UsageGranularity, count: number): Date {
  switch (granularity) {
    case UsageGranularity.HOUR:
      return new Date(start.getTime() + count * HOUR_MS);
    case UsageGranularity.DAY:
      return new Date(start.getTime() + count * DAY_MS);
    case UsageGranularity.MONTH:
      return new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + count, 1));
    default:
      return assertNever(granularity);
  }
}

/** Buckets per streamed chunk: a day of hours, a week of days, a month. */
const BUCKETS_PER_CHUNK: Record<UsageGranularity, number> = { HOUR: 24, DAY: 7, MONTH: 1 };

/**
 * The query's range cut into consecutive windows that each hold whole buckets (a bucket is never split
 * between two windows, so each window's aggregates are final): what the CSV export streams one by one.
 */
export function chunksOf(query: Pick<UsageQuery, 'from' | 'to' | 'granularity'>): { from: Date; to: Date }[] {
  const chunks: { from: Date; to: Date }[] = [];
  let cursor = query.from;
  while (cursor < query.to) {
    const boundary = addBuckets(
      bucketStart(cursor, query.granularity),
      query.granularity,
      BUCKETS_PER_CHUNK[query.granularity],
    );
    const end = boundary < query.to ? boundary : query.to;
    chunks.push({ from: cursor, to: end });
    cursor = end;
  }
  return chunks;
}

/** A reporting interval of the agent (wall clock, aligned): usage is reported per interval. */
export interface Interval {
  /** Aligned to the interval length (epoch-aligned, so every interval lies inside one UTC hour). */
  start: Date;
  seconds: number;
}

const HOUR_SECONDS = 3600;
const NANO = 1_000_000_000n;

/** Interval lengths must divide an hour, so that an hour holds whole intervals. */
export function assertIntervalSeconds(seconds: number): void {
  if (!Number.isInteger(seconds) || seconds < 1 || HOUR_SECONDS % seconds !== 0) {
    throw new Error(`the interval must be a whole number of seconds dividing 3600 (got ${seconds})`);
  }
}

/** The interval of `seconds` that ended last at `now` (the one to report). */
export function lastCompleteInterval(now: Date, seconds: number): Interval {
  const ms = seconds * 1000;
  return { start: new Date(Math.floor(now.getTime() / ms) * ms - ms), seconds };
}

/**
 * This interval's part of `perHour` units per hour, exact to 10⁻⁹ (the stored scale): the cumulative
 * amount through each interval of the hour is rounded, and an interval gets the difference, so an hour's
 * intervals add up to exactly `perHour` (3 brokers for an hour of 10-second intervals: 3, not 2.99999988).
 */
export function hourShare(perHour: bigint, interval: Interval): number {
  const perHourIntervals = BigInt(HOUR_SECONDS / interval.seconds);
  const index = BigInt(
    Math.floor((interval.start.getTime() % (HOUR_SECONDS * 1000)) / (interval.seconds * 1000)),
  );
  const through = (k: bigint) => (perHour * NANO * k + perHourIntervals / 2n) / perHourIntervals;
  const nanos = through(index + 1n) - through(index);
  // At most 9 decimals: the shortest text of this double is exactly that decimal.
  return Number(nanos) / 1e9;
}

/** Billing periods are calendar months in UTC; usage hours are UTC hours. */

const HOUR_MS = 3_600_000;

/** The first instant (UTC) of the month holding `at`. */
export function periodStartOf(at: Date | number): Date {
  const date = new Date(at);
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1));
}

/** The first instant of the next month: periods are [start, end). */
export function periodEndOf(periodStart: Date): Date {
  return new Date(Date.UTC(periodStart.getUTCFullYear(), periodStart.getUTCMonth() + 1, 1));
}

/** `2026-11` for any instant of November 2026 (UTC). */
export function periodKeyOf(at: Date | number): string {
  return periodStartOf(at).toISOString().slice(0, 7);
}

/** The start of the UTC hour holding `atMs`. */
export function hourStartOf(atMs: number): number {
  return Math.floor(atMs / HOUR_MS) * HOUR_MS;
}

/**
 * Billing periods are calendar months in UTC: [first instant of the month, first instant of the next).
 * Every date here is computed with UTC fields only, so the machine's time zone never matters.
 */
export interface BillingPeriod {
  /** Inclusive: 00:00:00.000 UTC on the 1st. */
  start: Date;
  /** Exclusive: the next period's start. */
  end: Date;
}

/** The UTC calendar month that contains `instant`. */
export function billingPeriodOf(instant: Date): BillingPeriod {
  assertValid(instant);
  const start = new Date(Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), 1));
  return { start, end: addMonthsUtc(start, 1) };
}

/** The period just before `period`. */
export function previousPeriod(period: BillingPeriod): BillingPeriod {
  return { start: addMonthsUtc(period.start, -1), end: period.start };
}

/**
 * `instant` plus whole calendar months, in UTC, keeping the time of day; a day that the target month lacks
 * becomes its last day (Jan 31 + 1 month = Feb 28 or 29; Feb 29 + 12 months = Feb 28).
 */
export function addMonthsUtc(instant: Date, months: number): Date {
  assertValid(instant);
  if (!Number.isInteger(months)) throw new RangeError(`months must be an integer, not ${months}`);
  const monthIndex = instant.getUTCFullYear() * 12 + instant.getUTCMonth() + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const result = new Date(instant.getTime());
  result.setUTCFullYear(year, month, Math.min(instant.getUTCDate(), lastDay));
  return result;
}

const MONTH_LABEL = new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** "October 2026": how invoices name a month. */
export function monthLabel(periodStart: Date): string {
  return MONTH_LABEL.format(periodStart);
}

/** `SP-202610-000042`: the period's year and month (UTC) and its sequence among that month's invoices. */
export function invoiceNumber(periodStart: Date, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1 || sequence > 999_999) {
    throw new RangeError(`invoice sequence must be 1..999999, not ${sequence}`);
  }
  return `${invoiceNumberPrefix(periodStart)}${String(sequence).padStart(6, '0')}`;
}

/** `SP-202610-`: what every invoice number of the period starts with. */
export function invoiceNumberPrefix(periodStart: Date): string {
  const month = String(periodStart.getUTCMonth() + 1).padStart(2, '0');
  return `SP-${periodStart.getUTCFullYear()}${month}-`;
}

function assertValid(instant: Date): void {
  if (Number.isNaN(instant.getTime())) throw new RangeError('invalid date');
}

import {
  addMonthsUtc,
  billingPeriodOf,
  invoiceNumber,
  invoiceNumberPrefix,
  monthLabel,
  previousPeriod,
} from './billing-period';

const at = (iso: string) => new Date(iso);
const iso = (period: { start: Date; end: Date }) => [period.start.toISOString(), period.end.toISOString()];

describe('billing periods are UTC calendar months', () => {
  it.each([
    ['2026-10-31T23:59:59.999Z', '2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    // 23:30 on Oct 31 in New York is already November in UTC; 00:30 on Nov 1 in Berlin is still October.
    ['2026-10-31T23:30:00-04:00', '2026-11-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
    ['2026-11-01T00:30:00+01:00', '2026-10-01T00:00:00.000Z', '2026-11-01T00:00:00.000Z'],
    ['2026-12-15T12:00:00Z', '2026-12-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z'],
    ['2028-02-29T08:00:00Z', '2028-02-01T00:00:00.000Z', '2028-03-01T00:00:00.000Z'],
  ])('%s is in [%s, %s)', (instant, start, end) => {
    expect(iso(billingPeriodOf(at(instant)))).toEqual([start, end]);
  });

  it('the previous period crosses the year', () => {
    expect(iso(previousPeriod(billingPeriodOf(at('2027-01-10T00:00:00Z'))))).toEqual([
      '2026-12-01T00:00:00.000Z',
      '2027-01-01T00:00:00.000Z',
    ]);
  });

  it('does not depend on the process time zone', () => {
    const zone = process.env.TZ;
    try {
      process.env.TZ = 'Pacific/Kiritimati'; // UTC+14
      expect(iso(billingPeriodOf(at('2026-10-31T23:00:00Z')))[0]).toBe('2026-10-01T00:00:00.000Z');
      expect(monthLabel(at('2026-10-01T00:00:00Z'))).toBe('October 2026');
    } finally {
      process.env.TZ = zone;
    }
  });
});

describe('addMonthsUtc', () => {
  it.each([
    ['2026-11-22T04:05:06.789Z', 12, '2027-11-22T04:05:06.789Z'],
    ['2026-01-31T10:00:00.000Z', 1, '2026-02-28T10:00:00.000Z'],
    ['2028-02-29T00:00:00.000Z', 12, '2029-02-28T00:00:00.000Z'],
    ['2026-03-31T00:00:00.000Z', -1, '2026-02-28T00:00:00.000Z'],
    ['2026-12-31T23:59:59.999Z', 2, '2027-02-28T23:59:59.999Z'],
  ])('%s + %i months = %s', (from, months, expected) => {
    expect(addMonthsUtc(at(from), months).toISOString()).toBe(expected);
  });

  it('refuses fractions and invalid dates', () => {
    expect(() => addMonthsUtc(at('2026-01-01T00:00:00Z'), 1.5)).toThrow(RangeError);
    expect(() => addMonthsUtc(new Date('nope'), 1)).toThrow(RangeError);
  });
});

describe('invoice numbers', () => {
  it('are SP-YYYYMM-NNNNNN of the period', () => {
    expect(invoiceNumber(at('2026-10-01T00:00:00Z'), 42)).toBe('SP-202610-000042');
    expect(invoiceNumberPrefix(at('2027-01-01T00:00:00Z'))).toBe('SP-202701-');
    expect(() => invoiceNumber(at('2026-10-01T00:00:00Z'), 0)).toThrow(RangeError);
  });
});

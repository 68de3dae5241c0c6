import { describe, expect, it } from 'vitest';
import {
  addDecimals,
  chartsOf,
  customWindow,
  defaultGranularity,
  formatQuantity,
  presetWindow,
  windowProblem,
} from './usage-model';

const point = (
  bucketStart: string,
  deploymentName: string,
  dimension: string,
  quantity: string,
  unit = 'broker-hour',
) => ({
  bucketStart,
  deploymentId: deploymentName,
  deploymentName,
  dimension,
  quantity,
  unit,
});

describe('usage periods', () => {
  const now = new Date('2026-11-22T10:17:00Z');

  it('covers this month up to the end of the current hour, in UTC', () => {
    const window = presetWindow('this-month', now);
    expect(window.from.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    expect(window.to.toISOString()).toBe('2026-11-22T11:00:00.000Z');
    expect(window.granularity).toBe('DAY');
  });

  it('uses hours for a day, days for a month, months for a year', () => {
    expect(presetWindow('last-24h', now).granularity).toBe('HOUR');
    expect(defaultGranularity(new Date('2026-01-01'), new Date('2026-03-01'))).toBe('DAY');
    expect(defaultGranularity(new Date('2025-01-01'), new Date('2026-01-01'))).toBe('MONTH');
  });

  it('takes a custom range of whole days, its last day included', () => {
    const window = customWindow(new Date(2026, 10, 1), new Date(2026, 10, 3));
    expect([window.from.toISOString(), window.to.toISOString()]).toEqual([
      '2026-11-01T00:00:00.000Z',
      '2026-11-04T00:00:00.000Z',
    ]);
  });

  it('refuses what the api would refuse, and says what to change', () => {
    const from = new Date('2026-01-01T00:00:00Z');
    expect(windowProblem({ from, to: new Date('2026-03-01T00:00:00Z'), granularity: 'HOUR' })).toMatch(
      /at most 31 days/,
    );
    expect(windowProblem({ from, to: new Date('2026-01-31T00:00:00Z'), granularity: 'HOUR' })).toBeNull();
    expect(windowProblem({ from, to: from, granularity: 'DAY' })).toMatch(/end after/);
  });
});

describe('usage charts', () => {
  it('adds exact decimals without binary fractions', () => {
    expect(addDecimals('0.1', '0.2')).toBe('0.3');
    expect(addDecimals('999999999999999999.999', '0.001')).toBe('1000000000000000000');
    expect(addDecimals('2', '0.05')).toBe('2.05');
  });

  it('makes one chart per dimension in the meters’ order, a row per bucket, a series per deployment', () => {
    const charts = chartsOf(
      [
        point('2026-11-22T10:00:00Z', 'orders', 'broker_hours', '3'),
        point('2026-11-22T10:00:00Z', 'payments', 'broker_hours', '1.5'),
        point('2026-11-22T11:00:00Z', 'orders', 'broker_hours', '3'),
        point('2026-11-22T10:00:00Z', 'orders', 'ingress_bytes', '1000', 'byte'),
      ],
      'HOUR',
      ['ingress_bytes', 'broker_hours'],
    );
    expect(charts.map((chart) => chart.dimension)).toEqual(['ingress_bytes', 'broker_hours']);
    const brokers = charts[1];
    expect(brokers.deployments).toEqual(['orders', 'payments']);
    expect(brokers.rows).toEqual([
      { bucket: 'Nov 22 10:00', orders: 3, payments: 1.5 },
      { bucket: 'Nov 22 11:00', orders: 3, payments: 0 },
    ]);
    expect(brokers.total).toBe('7.5');
  });

  it('says quantities in readable units', () => {
    expect(formatQuantity(52_700_000, 'byte')).toBe('52.7 MB');
    expect(formatQuantity(0.0042, 'broker-hour')).toBe('0.0042 broker-hours');
    expect(formatQuantity(1, 'asset')).toBe('1 asset');
  });
});

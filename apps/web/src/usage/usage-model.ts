import type { UsageGranularity, UsageQuery } from '../generated/graphql';

export type Point = UsageQuery['usage']['points'][number];

export type PeriodPreset = 'this-month' | 'last-24h' | 'last-7d' | 'last-30d' | 'custom';

export interface UsageWindow {
  from: Date;
  to: Date;
  granularity: UsageGranularity;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** The api's bounds (the `usage` query refuses more): 31 days at HOUR, 400 days at DAY and MONTH. */
export const MAX_SPAN_DAYS: Record<UsageGranularity, number> = { HOUR: 31, DAY: 400, MONTH: 400 };

function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

function startOfNextUtcHour(now: Date): Date {
  return new Date(Math.floor(now.getTime() / HOUR) * HOUR + HOUR);
}

/** A sensible bucket size for a span: hours up to two days, days up to three months, months beyond. */
export function defaultGranularity(from: Date, to: Date): UsageGranularity {
  const span = to.getTime() - from.getTime();
  if (span <= 2 * DAY) return 'HOUR';
  if (span <= 92 * DAY) return 'DAY';
  return 'MONTH';
}

/** A preset period as a half-open UTC range ending at the next whole hour (so the current hour shows). */
export function presetWindow(preset: Exclude<PeriodPreset, 'custom'>, now: Date = new Date()): UsageWindow {
  const to = startOfNextUtcHour(now);
  const from =
    preset === 'this-month'
      ? startOfUtcMonth(now)
      : new Date(to.getTime() - (preset === 'last-24h' ? 1 : preset === 'last-7d' ? 7 : 30) * DAY);
  return { from, to, granularity: defaultGranularity(from, to) };
}

/** A custom range of whole UTC days, inclusive of its last day. */
export function customWindow(firstDay: Date, lastDay: Date, granularity?: UsageGranularity): UsageWindow {
  const from = new Date(Date.UTC(firstDay.getFullYear(), firstDay.getMonth(), firstDay.getDate()));
  const to = new Date(Date.UTC(lastDay.getFullYear(), lastDay.getMonth(), lastDay.getDate()) + DAY);
  return { from, to, granularity: granularity ?? defaultGranularity(from, to) };
}

/** Why the api would refuse this window, said before asking it; null when fine. */
export function windowProblem(window: UsageWindow): string | null {
  const span = window.to.getTime() - window.from.getTime();
  if (!(span > 0)) return 'The period must end after it starts.';
  const max = MAX_SPAN_DAYS[window.granularity];
  if (span > max * DAY) {
    return `At ${window.granularity.toLowerCase()} granularity a period is at most ${max} days: shorten it or choose larger buckets.`;
  }
  return null;
}

/** One chart's rows: a row per bucket, a column per deployment, quantities as numbers for plotting only. */
export interface ChartSeries {
  dimension: string;
  unit: string;
  rows: Record<string, string | number>[];
  deployments: string[];
  /** The exact total over the window, per deployment, as decimal strings summed exactly. */
  total: string;
}

/** Adds two non-negative decimal strings exactly (no binary fractions). */
export function addDecimals(a: string, b: string): string {
  const [ai, af = ''] = a.split('.');
  const [bi, bf = ''] = b.split('.');
  const scale = Math.max(af.length, bf.length);
  const sum = BigInt(ai + af.padEnd(scale, '0')) + BigInt(bi + bf.padEnd(scale, '0'));
  if (scale === 0) return sum.toString();
  const digits = sum.toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, -scale);
  const fraction = digits.slice(-scale).replace(/0+$/, '');
  return fraction ? `${whole}.${fraction}` : whole;
}

export function bucketLabel(iso: string, granularity: UsageGranularity): string {
  const date = new Date(iso);
  const day = `${date.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' })} ${date.getUTCDate()}`;
  if (granularity === 'MONTH')
    return date.toLocaleString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });
  if (granularity === 'DAY') return day;
  return `${day} ${String(date.getUTCHours()).padStart(2, '0')}:00`;
}

/** The usage points as one chart per dimension (in the meters' order), each bucket a row. */
export function chartsOf(
  points: Point[],
  granularity: UsageGranularity,
  dimensionOrder: string[],
): ChartSeries[] {
  const byDimension = new Map<string, Point[]>();
  for (const point of points) {
    const list = byDimension.get(point.dimension) ?? [];
    list.push(point);
    byDimension.set(point.dimension, list);
  }
  const order = [...dimensionOrder, ...[...byDimension.keys()].filter((d) => !dimensionOrder.includes(d))];
  return order
    .filter((dimension) => byDimension.has(dimension))
    .map((dimension) => {
      const list = byDimension.get(dimension)!;
      const rows = new Map<string, Record<string, string | number>>();
      const deployments: string[] = [];
      let total = '0';
      for (const point of list) {
        if (!deployments.includes(point.deploymentName)) deployments.push(point.deploymentName);
        const row = rows.get(point.bucketStart) ?? { bucket: bucketLabel(point.bucketStart, granularity) };
        row[point.deploymentName] = Number(row[point.deploymentName] ?? 0) + Number(point.quantity);
        rows.set(point.bucketStart, row);
        total = addDecimals(total, point.quantity);
      }
      const sorted = [...rows.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, row]) => row);
      for (const row of sorted) for (const name of deployments) row[name] ??= 0;
      return { dimension, unit: list[0].unit, rows: sorted, deployments, total };
    });
}

const BYTE_UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

function readable(value: number): string {
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 0.01) return value.toPrecision(2).replace(/\.?0+$/, '');
  return value.toLocaleString('en-US', { maximumFractionDigits: abs < 10 ? 2 : 1 });
}

function scaledBytes(value: number): { text: string; unit: string } {
  let scaled = value;
  let index = 0;
  while (Math.abs(scaled) >= 1000 && index < BYTE_UNITS.length - 1) {
    scaled /= 1000;
    index++;
  }
  return { text: readable(scaled), unit: BYTE_UNITS[index] };
}

/** A quantity in its unit, readable: bytes in KB/MB/GB (decimal), others with their unit name. */
export function formatQuantity(value: number, unit: string): string {
  if (unit === 'byte') {
    const { text, unit: scaledUnit } = scaledBytes(value);
    return `${text} ${scaledUnit}`;
  }
  return `${readable(value)} ${unit}${value === 1 || unit.endsWith('s') ? '' : 's'}`;
}

/** An axis tick: short, without the unit name (the chart's title says it), bytes scaled. */
export function formatTick(value: number, unit: string): string {
  if (unit === 'byte') {
    const { text, unit: scaledUnit } = scaledBytes(value);
    return `${text} ${scaledUnit}`;
  }
  return Math.abs(value) >= 1000
    ? value.toLocaleString('en-US', { notation: 'compact', maximumSignificantDigits: 3 })
    : readable(value);
}

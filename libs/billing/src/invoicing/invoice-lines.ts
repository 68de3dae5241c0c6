import { monthLabel } from './billing-period';
import { amountMinorOf, exact, plainDecimal, sumMinor } from './money';

/** One (deployment, dimension) quantity of a month: its usage, or what finalized invoices billed of it. */
export interface QuantityRow {
  deploymentId: string;
  dimension: string;
  /** Exact decimal. */
  quantity: string;
}

export interface MeterInfo {
  displayName: string;
  unit: string;
}

/** A finalized month whose usage changed since it was invoiced. */
export interface LateMonth {
  periodStart: Date;
  /** The month's usage now. */
  usage: QuantityRow[];
  /** What finalized invoices billed of the month so far (its own invoice and earlier late-usage lines). */
  billed: QuantityRow[];
  /** Unit prices (minor units) of the plan the month was invoiced on, by dimension. */
  prices: ReadonlyMap<string, string>;
}

export interface InvoiceLineInput {
  /** The invoice's own month. */
  periodStart: Date;
  usage: QuantityRow[];
  /** Unit prices (minor units) of the invoice's plan, by dimension. */
  prices: ReadonlyMap<string, string>;
  lateMonths: LateMonth[];
  meters: ReadonlyMap<string, MeterInfo>;
  deploymentNames: ReadonlyMap<string, string>;
}

export interface ComputedLine {
  deploymentId: string;
  dimension: string;
  /** The month the usage belongs to: the invoice's own, or an earlier one for late usage. */
  usagePeriodStart: Date;
  late: boolean;
  quantity: string;
  unitPriceMinor: string;
  amountMinor: bigint;
  description: string;
}

/**
 * An invoice's lines: one per (deployment, dimension) with usage in the month, and one per (deployment,
 * dimension, earlier month) whose usage changed after that month was finalized — the difference between the
 * month's usage now and what was billed of it, priced on that month's plan. amount = quantity × unit price,
 * rounded half-up to a whole minor unit (see `amountMinorOf`). Dimensions the plan has no price for are not
 * billed.
 */
export function buildInvoiceLines(input: InvoiceLineInput): ComputedLine[] {
  const lines: ComputedLine[] = [];
  for (const row of input.usage) {
    const unitPriceMinor = input.prices.get(row.dimension);
    if (unitPriceMinor === undefined) continue;
    lines.push({
      deploymentId: row.deploymentId,
      dimension: row.dimension,
      usagePeriodStart: input.periodStart,
      late: false,
      quantity: plainDecimal(row.quantity),
      unitPriceMinor: plainDecimal(unitPriceMinor),
      amountMinor: amountMinorOf(row.quantity, unitPriceMinor),
      description: describe(input, row),
    });
  }
  for (const month of [...input.lateMonths].sort(
    (a, b) => a.periodStart.getTime() - b.periodStart.getTime(),
  )) {
    for (const [key, delta] of differences(month.usage, month.billed)) {
      const [deploymentId, dimension] = key.split('|');
      const unitPriceMinor = month.prices.get(dimension);
      if (unitPriceMinor === undefined || delta.isZero()) continue;
      const quantity = delta.toFixed();
      const correction = delta.isNegative() ? ' (correction)' : '';
      lines.push({
        deploymentId,
        dimension,
        usagePeriodStart: month.periodStart,
        late: true,
        quantity,
        unitPriceMinor: plainDecimal(unitPriceMinor),
        amountMinor: amountMinorOf(quantity, unitPriceMinor),
        description:
          `${describe(input, { deploymentId, dimension })}: late usage for ${monthLabel(month.periodStart)}` +
          correction,
      });
    }
  }
  return lines.sort(lineOrder(input.deploymentNames));
}

/** The subtotal: the exact sum of the lines' amounts. */
export function subtotalOf(lines: Pick<ComputedLine, 'amountMinor'>[]): bigint {
  return sumMinor(lines.map((line) => line.amountMinor));
}

/** usage − billed per `deploymentId|dimension`, over the keys of both. */
function differences(usage: QuantityRow[], billed: QuantityRow[]) {
  const delta = new Map<string, ReturnType<typeof exact>>();
  for (const row of usage) {
    const key = `${row.deploymentId}|${row.dimension}`;
    delta.set(key, (delta.get(key) ?? exact('0')).plus(exact(row.quantity)));
  }
  for (const row of billed) {
    const key = `${row.deploymentId}|${row.dimension}`;
    delta.set(key, (delta.get(key) ?? exact('0')).minus(exact(row.quantity)));
  }
  return [...delta.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function describe(input: InvoiceLineInput, row: { deploymentId: string; dimension: string }): string {
  const meter = input.meters.get(row.dimension)?.displayName ?? row.dimension;
  const deployment = input.deploymentNames.get(row.deploymentId) ?? row.deploymentId;
  return `${meter}, deployment ${deployment}`;
}

function lineOrder(names: ReadonlyMap<string, string>) {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return (a: ComputedLine, b: ComputedLine) =>
    Number(a.late) - Number(b.late) ||
    a.usagePeriodStart.getTime() - b.usagePeriodStart.getTime() ||
    text(names.get(a.deploymentId) ?? a.deploymentId, names.get(b.deploymentId) ?? b.deploymentId) ||
    text(a.deploymentId, b.deploymentId) ||
    text(a.dimension, b.dimension);
}

import { Prisma } from '@streamplane/db';

/**
 * Exact money arithmetic. Amounts are integer minor units (cents) as bigint; quantities and unit prices are
 * decimals (a byte costs a fraction of a cent). Nothing here ever goes through a floating-point number.
 *
 * `Exact` is Prisma's decimal type with enough significant digits for any product of the database's
 * numeric(38,9) quantities and numeric(24,12) prices (at most 62 digits), so multiplication never rounds;
 * the only rounding is the one stated in `amountMinorOf`.
 */
export const Exact = Prisma.Decimal.clone({ precision: 200, rounding: Prisma.Decimal.ROUND_HALF_UP });
export type Exact = InstanceType<typeof Exact>;

export type DecimalInput = string | Prisma.Decimal;

export function exact(value: DecimalInput): Exact {
  return new Exact(value.toString());
}

/**
 * The amount of a line: quantity × unit price, rounded to a whole minor unit half-up (a tie goes away from
 * zero: 0.5 → 1, 2.5 → 3, −2.5 → −3). Rounding is per line; an invoice's subtotal is the exact sum of its
 * lines' rounded amounts.
 */
export function amountMinorOf(quantity: DecimalInput, unitPriceMinor: DecimalInput): bigint {
  const product = exact(quantity).times(exact(unitPriceMinor));
  return BigInt(product.toDecimalPlaces(0, Exact.ROUND_HALF_UP).toFixed(0));
}

/** Digits after the decimal point of `currency`'s major unit (USD 2, JPY 0, BHD 3), per ISO 4217. */
export function minorDigitsOf(currency: string): number {
  return (
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2
  );
}

/** Minor units as an exact decimal string of the major unit: 20000n USD → "200.00", −5n → "-0.05". */
export function formatMinor(minor: bigint, currency: string): string {
  const digits = minorDigitsOf(currency);
  const negative = minor < 0n;
  const text = (negative ? -minor : minor).toString().padStart(digits + 1, '0');
  const whole = text.slice(0, text.length - digits);
  const fraction = digits > 0 ? `.${text.slice(text.length - digits)}` : '';
  return `${negative ? '-' : ''}${whole}${fraction}`;
}

/** A decimal amount of minor units as a decimal of the major unit, exactly: "0.000000005" cents → "0.00000000005". */
export function minorToMajor(minor: DecimalInput, currency: string): string {
  return exact(minor)
    .div(new Exact(10).pow(minorDigitsOf(currency)))
    .toFixed();
}

/** A decimal in plain notation without trailing zeros ("1.500000000" → "1.5", 5e-9 → "0.000000005"). */
export function plainDecimal(value: DecimalInput): string {
  return exact(value).toFixed();
}

/** Sum of bigints (0n for none). */
export function sumMinor(values: Iterable<bigint>): bigint {
  let total = 0n;
  for (const value of values) total += value;
  return total;
}

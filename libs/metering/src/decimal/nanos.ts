/**
 * Usage quantities as exact decimals: integers of nanounits (10^-9), the scale of usage_events.value
 * (numeric(38, 9)). Never floating point once an event's value has been read from its JSON.
 */
export const NANOS_PER_UNIT = 1_000_000_000n;
const SCALE = 9;
const NUMBER_TEXT = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;
const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?$/;

/**
 * The value of a finite, non-negative JSON number in nanounits: the number's shortest round-trip decimal
 * (what the sender wrote, e.g. `0.1`, `1e-7`), rounded half-up to 9 decimals — the same value PostgreSQL
 * stores, because the store is given formatNanos() of this, never the double itself.
 */
export function nanosOfNumber(value: number): bigint {
  if (Number.isSafeInteger(value) && value >= 0) return BigInt(value) * NANOS_PER_UNIT;
  const match = NUMBER_TEXT.exec(String(value));
  if (!match) throw new RangeError(`not a finite non-negative number: ${value}`);
  const [, whole, fraction = '', exponentText] = match;
  const digits = BigInt(whole + fraction);
  // value × 10^9 = digits × 10^shift
  const shift = Number(exponentText ?? 0) - fraction.length + SCALE;
  if (shift >= 0) return digits * 10n ** BigInt(shift);
  const divisor = 10n ** BigInt(-shift);
  return (digits + divisor / 2n) / divisor;
}

/** A PostgreSQL numeric's text (`123.450000000`, `7`) in nanounits; digits beyond 9 decimals are cut. */
export function nanosOfDecimalText(text: string): bigint {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const nanos = BigInt(whole) * NANOS_PER_UNIT + BigInt(fraction.slice(0, SCALE).padEnd(SCALE, '0'));
  return sign === '-' ? -nanos : nanos;
}

/** Canonical decimal text of nanounits: `12`, `12.5`, `0.000000001` (no exponent, no trailing zeros). */
export function formatNanos(nanos: bigint): string {
  const negative = nanos < 0n;
  const magnitude = negative ? -nanos : nanos;
  const whole = magnitude / NANOS_PER_UNIT;
  const fraction = magnitude % NANOS_PER_UNIT;
  const text =
    fraction === 0n
      ? whole.toString()
      : `${whole}.${fraction.toString().padStart(SCALE, '0').replace(/0+$/, '')}`;
  return negative ? `-${text}` : text;
}

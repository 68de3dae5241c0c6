const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const usdWhole = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  maximumFractionDigits: 0,
});
const number = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Dollars from the api's floating estimates (list-price estimates, not money owed). */
export function formatUsd(value: number, options: { whole?: boolean } = {}): string {
  return (options.whole ? usdWhole : usd).format(value);
}

const unitPrice = new Intl.NumberFormat('en-US', {
  style: 'currency',
  currency: 'USD',
  minimumFractionDigits: 2,
  maximumFractionDigits: 4,
});

/** A unit price keeps its sub-cent digits ($0.0225 per hour). */
export function formatUnitPrice(value: number): string {
  return unitPrice.format(value);
}

export function formatSignedUsd(value: number): string {
  return `${value > 0 ? '+' : value < 0 ? '−' : ''}${usd.format(Math.abs(value))}`;
}

export function formatNumber(value: number): string {
  return number.format(value);
}

/**
 * Money the api states exactly, as integer cents (a number or a decimal string): formatted without ever
 * going through a binary fraction.
 */
export function formatCents(cents: number | string | bigint): string {
  const value = BigInt(cents);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  const dollars = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '−' : ''}$${dollars}.${rest}`;
}

/** Exact decimal strings (quantities) shortened for display, keeping up to `digits` decimals. */
export function formatDecimal(value: string, digits = 2): string {
  const [whole, fraction = ''] = value.replace(/^-/, '').split('.');
  const trimmed = fraction.slice(0, digits).replace(/0+$/, '');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${value.startsWith('-') ? '−' : ''}${grouped}${trimmed ? `.${trimmed}` : ''}`;
}

/** An exact amount of money from the api (`Money`): integer minor units, formatted without floats. */
export function formatMoney(money: { minor: string; currency: string; amount: string }): string {
  if (money.currency === 'USD') return formatCents(money.minor);
  return `${money.amount} ${money.currency}`;
}

/** An exact decimal string times 10^places (places may be negative), still exact: "0.000000009" × 10^9 = "9". */
export function shiftDecimal(value: string, places: number): string {
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = value.replace(/^-/, '').split('.');
  let digits = whole + fraction;
  let point = whole.length + places;
  if (point < 0) {
    digits = '0'.repeat(-point) + digits;
    point = 0;
  }
  if (point > digits.length) digits = digits.padEnd(point, '0');
  const head = digits.slice(0, point).replace(/^0+(?=\d)/, '') || '0';
  const tail = digits.slice(point).replace(/0+$/, '');
  return `${negative ? '-' : ''}${head}${tail ? `.${tail}` : ''}`;
}

/** A price in dollars from an exact decimal string: at least cents, sub-cent digits kept ("$0.000137"). */
export function formatPrice(dollars: string): string {
  const [whole, fraction = ''] = dollars.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `$${grouped}.${fraction.replace(/0+$/, '').padEnd(2, '0')}`;
}

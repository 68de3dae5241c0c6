import { describe, expect, it } from 'vitest';
import {
  formatCents,
  formatDecimal,
  formatMoney,
  formatPrice,
  formatUnitPrice,
  shiftDecimal,
} from './format';

describe('money and decimals', () => {
  it('formats integer cents exactly, however large', () => {
    expect(formatCents('20000')).toBe('$200.00');
    expect(formatCents('5')).toBe('$0.05');
    expect(formatCents('-1234')).toBe('−$12.34');
    expect(formatCents('123456789012345678901')).toBe('$1,234,567,890,123,456,789.01');
  });

  it('formats Money by its minor units, not the floating amount', () => {
    expect(formatMoney({ minor: '19999', currency: 'USD', amount: '199.99' })).toBe('$199.99');
    expect(formatMoney({ minor: '100', currency: 'EUR', amount: '1.00' })).toBe('1.00 EUR');
  });

  it('shortens exact decimal strings without rounding through floats', () => {
    expect(formatDecimal('1234567.891')).toBe('1,234,567.89');
    expect(formatDecimal('0.000000005', 9)).toBe('0.000000005');
    expect(formatDecimal('2.50')).toBe('2.5');
    expect(formatDecimal('3')).toBe('3');
  });

  it('moves the decimal point exactly', () => {
    expect(shiftDecimal('0.000000009', 9)).toBe('9');
    expect(shiftDecimal('50467829', -9)).toBe('0.050467829');
    expect(shiftDecimal('1.5', 2)).toBe('150');
    expect(shiftDecimal('-12.34', -3)).toBe('-0.01234');
    expect(formatPrice('0.1')).toBe('$0.10');
    expect(formatPrice('0.000137')).toBe('$0.000137');
    expect(formatPrice('1234.5')).toBe('$1,234.50');
  });

  it('keeps sub-cent digits of unit prices', () => {
    expect(formatUnitPrice(0.0225)).toBe('$0.0225');
    expect(formatUnitPrice(2)).toBe('$2.00');
  });
});

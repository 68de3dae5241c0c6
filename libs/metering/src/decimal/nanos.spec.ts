import { formatNanos, nanosOfDecimalText, nanosOfNumber } from './nanos';

describe('exact usage quantities in nanounits', () => {
  it.each([
    [0, 0n],
    [7, 7_000_000_000n],
    [0.1, 100_000_000n],
    [0.30000000000000004, 300_000_000n],
    [1e-7, 100n],
    [5e-10, 1n], // half-up at the 9th decimal
    [4e-10, 0n],
    [123456789.12345679, 123_456_789_123_456_790n],
    [1e21, 1_000_000_000_000_000_000_000_000_000_000n],
    [2.5e-9, 3n],
  ])('reads %p as %p nanos', (value, nanos) => {
    expect(nanosOfNumber(value)).toBe(nanos);
  });

  it('refuses what is not a finite non-negative number', () => {
    for (const value of [-1, -0.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => nanosOfNumber(value)).toThrow(RangeError);
    }
  });

  it.each([
    ['0', 0n],
    ['12.500000000', 12_500_000_000n],
    ['0.000000001', 1n],
    ['-3.25', -3_250_000_000n],
    ['1.1234567899', 1_123_456_789n],
  ])('reads the numeric text %p', (text, nanos) => {
    expect(nanosOfDecimalText(text)).toBe(nanos);
  });

  it.each([
    [0n, '0'],
    [12_500_000_000n, '12.5'],
    [1n, '0.000000001'],
    [-3_250_000_000n, '-3.25'],
    [10n ** 30n, '1000000000000000000000'],
  ])('formats %p nanos as %p', (nanos, text) => {
    expect(formatNanos(nanos)).toBe(text);
  });

  it('round-trips through text exactly', () => {
    for (const nanos of [0n, 1n, 999_999_999n, 1_000_000_001n, 123_456_789_012_345_678_901n]) {
      expect(nanosOfDecimalText(formatNanos(nanos))).toBe(nanos);
    }
  });
});

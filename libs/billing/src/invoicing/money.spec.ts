import { amountMinorOf, exact, formatMinor, minorToMajor, plainDecimal } from './money';

describe('line amounts: quantity × unit price, rounded half-up to whole cents', () => {
  it.each([
    ['720', '21', 15120n],
    ['0.5', '1', 1n], // a tie goes up
    ['2.5', '1', 3n],
    ['2.4999999999', '1', 2n],
    ['-2.5', '1', -3n], // and away from zero for a correction
    ['-2.4', '1', -2n],
    // 123,456,789,012 bytes at 0.000000005 cents = 617.28394506 cents
    ['123456789012', '0.000000005', 617n],
    ['100000000', '0.000000005', 1n], // exactly half a cent
    ['99999999', '0.000000005', 0n], // just under
    ['0', '21', 0n],
  ])('%s × %s = %s', (quantity, price, expected) => {
    expect(amountMinorOf(quantity, price)).toBe(expected);
  });

  it('stays exact where floating point does not', () => {
    // 0.1 + 0.2 style errors: 3 × 0.1 GB-hours … at 0.0137 cents, and a huge byte count at a tiny price.
    expect(exact('0.1').plus('0.2').toFixed()).toBe('0.3');
    const bytes = '99999999999999999999999999999.999999999'; // numeric(38,9) at its limit
    expect(amountMinorOf(bytes, '0.000000009')).toBe(900000000000000000000n);
    expect(amountMinorOf('1.000000001', '999999999999.999999999999')).toBe(1000000001000n);
  });
});

describe('formatting', () => {
  it.each([
    [20000n, 'USD', '200.00'],
    [5n, 'USD', '0.05'],
    [-5n, 'USD', '-0.05'],
    [0n, 'USD', '0.00'],
    [123456789012345678901234567890n, 'USD', '1234567890123456789012345678.90'],
    [1234n, 'JPY', '1234'],
    [1234n, 'BHD', '1.234'],
  ])('%s minor units of %s = %s', (minor, currency, expected) => {
    expect(formatMinor(minor, currency)).toBe(expected);
  });

  it('converts unit prices to the major unit exactly, in plain notation', () => {
    expect(minorToMajor('0.000000005', 'USD')).toBe('0.00000000005');
    expect(minorToMajor('21', 'USD')).toBe('0.21');
    expect(plainDecimal('1.500000000')).toBe('1.5');
    expect(plainDecimal('0.000000005')).toBe('0.000000005');
  });
});

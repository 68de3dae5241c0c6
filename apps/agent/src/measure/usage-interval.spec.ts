import { assertIntervalSeconds, hourShare, lastCompleteInterval } from './usage-interval';

/** Exact sum of decimal values (as nano-units), so the test does not lean on float addition. */
function exactSum(values: number[]): bigint {
  return values.reduce((sum, value) => {
    const [whole, fraction = ''] = String(value).split('.');
    return sum + BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  }, 0n);
}

describe('usage intervals', () => {
  it("splits an hour's quantity so the intervals add up to it exactly, nine decimals at most", () => {
    for (const seconds of [10, 60, 720]) {
      const start = Date.parse('2026-11-23T14:00:00Z');
      const shares = Array.from({ length: 3600 / seconds }, (_, i) =>
        hourShare(7n, { start: new Date(start + i * seconds * 1000), seconds }),
      );
      expect(exactSum(shares)).toBe(7_000_000_000n);
      for (const share of shares) expect(String(share)).toMatch(/^\d+(\.\d{1,9})?$/);
    }
  });

  it('reports the interval that ended last', () => {
    expect(lastCompleteInterval(new Date('2026-11-23T14:00:17Z'), 10)).toEqual({
      start: new Date('2026-11-23T14:00:00Z'),
      seconds: 10,
    });
  });

  it('refuses interval lengths that do not divide an hour', () => {
    expect(() => assertIntervalSeconds(7)).toThrow(/dividing 3600/);
    expect(() => assertIntervalSeconds(0)).toThrow();
    expect(() => assertIntervalSeconds(60)).not.toThrow();
  });
});

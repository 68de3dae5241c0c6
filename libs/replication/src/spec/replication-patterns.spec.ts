import { PatternList, formatPattern, parsePattern, regexOf } from './replication-patterns';

describe('replication patterns', () => {
  it.each([
    ['orders', { name: 'orders', patternType: 'literal' }],
    ['payments.*', { name: 'payments.', patternType: 'prefix' }],
    ['*', { name: '*', patternType: 'literal' }],
    ['  eu_orders-v2  ', { name: 'eu_orders-v2', patternType: 'literal' }],
  ])('reads %j', (raw, expected) => {
    expect(parsePattern(raw)).toEqual(expected);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['a regex alternation', 'orders|payments'],
    ['a wildcard inside', 'a*b'],
    ['a double wildcard', '**'],
    ['a wildcard not at the end', 'orders.*.eu'],
    ['Kafka\'s reserved "."', '.'],
    ['Kafka\'s reserved ".."', '..'],
    ['a space', 'ord ers'],
    ['longer than a topic name may be', 'x'.repeat(250)],
  ])('refuses %s: no name, prefix or "*" (a regex would grant more than ACLs can say)', (_what, raw) => {
    expect(parsePattern(raw)).toBeUndefined();
  });

  it('turns each into the regex MirrorMaker 2 matches whole names with', () => {
    const matches = (raw: string, topic: string) =>
      new RegExp(`^(?:${regexOf(parsePattern(raw)!)})$`).test(topic);
    expect(matches('orders', 'orders')).toBe(true);
    expect(matches('orders', 'ordersX')).toBe(false);
    expect(matches('a.b', 'aXb')).toBe(false);
    expect(matches('payments.*', 'payments.eu')).toBe(true);
    expect(matches('payments.*', 'paymentsXeu')).toBe(false);
    expect(matches('*', 'anything')).toBe(true);
    expect(formatPattern(parsePattern('payments.*')!)).toBe('payments.*');
  });

  it('lists: non-empty, each valid, duplicates dropped, every bad entry named', () => {
    expect(PatternList.parse(['a', ' a ', 'b*'])).toEqual(['a', 'b*']);
    const result = PatternList.safeParse(['ok', '', 'x|y']);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((issue) => issue.path)).toEqual([[1], [2]]);
    expect(PatternList.safeParse([]).success).toBe(false);
  });
});

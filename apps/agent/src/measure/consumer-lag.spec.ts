import { consumerLag } from './consumer-lag';

const ranges = (...r: [number, number][]) => new Map(r.map(([low, high], p) => [p, { low, high }]));
const commits = (...c: number[]) => new Map(c.map((o, p) => [p, o]));

describe('consumer group lag', () => {
  it('sums end minus committed over the partitions', () => {
    expect(consumerLag(ranges([0, 100], [0, 50]), commits(90, 50))).toBe(10);
  });

  it('counts everything retained on a partition the group never committed (-1 or absent)', () => {
    expect(consumerLag(ranges([20, 100], [0, 30]), commits(-1))).toBe(80 + 30);
  });

  it('is never negative when the committed offset is beyond a recreated topic’s end', () => {
    expect(consumerLag(ranges([0, 10]), commits(5_000))).toBe(0);
  });

  it('counts only what still exists when retention deleted unread messages', () => {
    expect(consumerLag(ranges([500, 600]), commits(100))).toBe(100);
  });
});

import {
  assertIntervalSeconds,
  hourShare,
  lastCompleteInterval,
  usageEvents,
  type Interval,
  type SimulatedDeployment,
  type UsageCloudEvent,
} from './usage-model';

const deployment: SimulatedDeployment = {
  id: '0b7c9a52-5a55-4a55-8a55-1f2e3d4c5b6a',
  orgId: '9d1f7a52-5a55-4a55-8a55-1f2e3d4c5b6a',
  brokers: 3,
  storagePerBrokerGiB: 500,
};

/** The intervals of the UTC hour starting at `hour`. */
function intervalsOf(hour: string, seconds: number): Interval[] {
  const start = Date.parse(hour);
  return Array.from({ length: 3600 / seconds }, (_, i) => ({
    start: new Date(start + i * seconds * 1000),
    seconds,
  }));
}

/** Exact sum of decimal values (as nano-units), so the test does not lean on float addition. */
function exactSum(values: number[]): bigint {
  return values.reduce((sum, value) => {
    const [whole, fraction = ''] = String(value).split('.');
    return sum + BigInt(whole) * 1_000_000_000n + BigInt(fraction.padEnd(9, '0'));
  }, 0n);
}

function valuesOf(events: UsageCloudEvent[], dimension: string): number[] {
  return events.filter((e) => e.data.dimension === dimension).map((e) => e.data.value);
}

describe('simulated usage', () => {
  const interval = { start: new Date('2026-11-23T14:00:10Z'), seconds: 10 };

  it('is the same events, ids included, every time an interval is made', () => {
    expect(usageEvents(deployment, interval)).toEqual(usageEvents(deployment, { ...interval }));
  });

  it('gives each event a unique id naming its dimension and interval; other intervals differ', () => {
    const events = usageEvents(deployment, interval);
    const ids = events.map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const e of events) {
      expect(e.id).toContain(e.data.dimension);
      expect(e.id).toContain('2026-11-23T14:00:10.000Z');
    }
    const next = usageEvents(deployment, { start: new Date('2026-11-23T14:00:20Z'), seconds: 10 });
    expect(next.map((e) => e.id).filter((id) => ids.includes(id))).toEqual([]);
  });

  it('follows the usage CloudEvent contract', () => {
    for (const e of usageEvents(deployment, interval)) {
      expect(e).toMatchObject({
        specversion: '1.0',
        type: 'io.streamplane.usage.v1',
        source: `/deployments/${deployment.id}/agent`,
        subject: deployment.id,
        time: '2026-11-23T14:00:10.000Z',
        datacontenttype: 'application/json',
      });
      expect(e.data.value).toBeGreaterThanOrEqual(0);
      expect(e.id.length).toBeLessThanOrEqual(255);
      if (e.data.dimension === 'connected_assets') expect(e.data.key).toEqual(expect.any(String));
      else expect(e.data.key).toBeUndefined();
    }
  });

  it.each([10, 15, 60, 3600])(
    "adds up to exactly the spec's broker, storage and partition hours over an hour of %i-second intervals",
    (seconds) => {
      const events = intervalsOf('2026-11-23T14:00:00Z', seconds).flatMap((i) => usageEvents(deployment, i));
      expect(exactSum(valuesOf(events, 'broker_hours'))).toBe(3n * 1_000_000_000n);
      expect(exactSum(valuesOf(events, 'storage_gb_hours'))).toBe(1500n * 1_000_000_000n);
      const partitions = exactSum(valuesOf(events, 'partition_hours'));
      expect(partitions % 1_000_000_000n).toBe(0n);
      expect(Number(partitions / 1_000_000_000n)).toBeGreaterThanOrEqual(3 * 40);
    },
  );

  it('keeps at most nine decimals per value (the stored scale)', () => {
    for (const i of intervalsOf('2026-11-23T14:00:00Z', 10).slice(0, 50)) {
      for (const e of usageEvents(deployment, i)) {
        expect(String(e.data.value)).toMatch(/^\d+(\.\d{1,9})?$/);
      }
    }
    expect(hourShare(3n, { start: new Date('2026-11-23T14:00:00Z'), seconds: 10 })).toBe(0.008333333);
  });

  it('moves bytes with the time of day: busier in the afternoon than at night, egress above ingress', () => {
    const bytes = (hour: string, dimension: string) =>
      intervalsOf(hour, 60)
        .flatMap((i) => valuesOf(usageEvents(deployment, i), dimension))
        .reduce((a, b) => a + b, 0);
    expect(bytes('2026-11-23T15:00:00Z', 'ingress_bytes')).toBeGreaterThan(
      2 * bytes('2026-11-23T03:00:00Z', 'ingress_bytes'),
    );
    expect(bytes('2026-11-23T15:00:00Z', 'egress_bytes')).toBeGreaterThan(
      bytes('2026-11-23T15:00:00Z', 'ingress_bytes'),
    );
    for (const e of usageEvents(deployment, interval).filter((e) => e.data.dimension.endsWith('_bytes'))) {
      expect(Number.isInteger(e.data.value)).toBe(true);
    }
  });

  it('reports each device at most once an hour, from a stable fleet', () => {
    const devicesIn = (hour: string) =>
      intervalsOf(hour, 10).flatMap((i) =>
        usageEvents(deployment, i)
          .filter((e) => e.data.dimension === 'connected_assets')
          .map((e) => e.data.key!),
      );
    const afternoon = devicesIn('2026-11-23T15:00:00Z');
    const night = devicesIn('2026-11-23T03:00:00Z');
    expect(new Set(afternoon).size).toBe(afternoon.length);
    expect(afternoon.length).toBeGreaterThan(night.length);
    expect(night.length).toBeGreaterThan(0);
    // The same devices come back: the fleet is stable, not new ids every hour.
    expect(night.filter((d) => afternoon.includes(d)).length).toBeGreaterThan(0);
    for (const key of [...afternoon, ...night]) expect(key).toMatch(/^0b7c9a52-device-\d+$/);
  });

  it('reports the interval that ended last', () => {
    expect(lastCompleteInterval(new Date('2026-11-23T14:00:13.500Z'), 10)).toEqual({
      start: new Date('2026-11-23T14:00:00Z'),
      seconds: 10,
    });
    expect(lastCompleteInterval(new Date('2026-11-23T14:00:00Z'), 60).start).toEqual(
      new Date('2026-11-23T13:59:00Z'),
    );
  });

  it('refuses interval lengths that do not divide an hour', () => {
    expect(() => assertIntervalSeconds(7)).toThrow(/dividing 3600/);
    expect(() => assertIntervalSeconds(0)).toThrow();
    expect(() => assertIntervalSeconds(10)).not.toThrow();
  });
});

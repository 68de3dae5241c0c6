import { CloudEvent } from 'cloudevents';
import type { Meter } from '../meters/meters.service';
import { rfc3339ToMs, validateUsageEvents, type ValidationWindow } from './usage-event-validation';

const DEPLOYMENT = '3f1c1a52-8a7e-4d0a-9b39-6f3a1c2b4d5e';
const NOW = Date.parse('2026-11-22T12:30:00Z');
const HOUR = 3_600_000;

const meter = (dimension: string, aggregation: Meter['aggregation']): Meter => ({
  dimension,
  displayName: dimension,
  unit: 'unit',
  aggregation,
  description: '',
});
const METERS = new Map(
  [
    meter('ingress_bytes', 'SUM'),
    meter('broker_hours', 'SUM'),
    meter('connected_assets', 'UNIQUE_COUNT'),
  ].map((m) => [m.dimension, m]),
);
const WINDOW: ValidationWindow = {
  deploymentId: DEPLOYMENT,
  meters: METERS,
  oldestMs: NOW - 72 * HOUR,
  latestMs: NOW + 300_000,
};

function event(overrides: Record<string, unknown> = {}, data: Record<string, unknown> = {}) {
  return {
    specversion: '1.0',
    id: 'evt-1',
    source: `/deployments/${DEPLOYMENT}/agent`,
    type: 'io.streamplane.usage.v1',
    subject: DEPLOYMENT,
    time: '2026-11-22T12:00:00Z',
    datacontenttype: 'application/json',
    data: { dimension: 'ingress_bytes', value: 42, ...data },
    ...overrides,
  };
}

/** Removes attributes set to undefined (as JSON would never carry them). */
const json = (value: unknown) => JSON.parse(JSON.stringify(value)) as unknown;

function reasonOf(item: unknown): string {
  const { events, rejected } = validateUsageEvents([json(item)], WINDOW);
  return events.length === 1 ? 'ACCEPTED' : rejected[0].reason;
}

describe('usage event validation', () => {
  it('turns a valid event into what is stored, with its exact value and UTC time', () => {
    const { events, rejected } = validateUsageEvents(
      [event({ time: '2026-11-22T13:00:00.1239+01:00' }, { dimension: 'broker_hours', value: 0.1 })],
      WINDOW,
    );
    expect(rejected).toEqual([]);
    expect(events).toEqual([
      {
        index: 0,
        id: 'evt-1',
        source: `/deployments/${DEPLOYMENT}/agent`,
        identity: `/deployments/${DEPLOYMENT}/agent\nevt-1`,
        dimension: 'broker_hours',
        aggregation: 'SUM',
        nanos: 100_000_000n,
        value: '0.1',
        key: null,
        timeMs: Date.parse('2026-11-22T12:00:00.123Z'),
      },
    ]);
  });

  it.each([
    ['no id', event({ id: undefined }), 'MISSING_ATTRIBUTE'],
    ['an empty id', event({ id: '' }), 'INVALID_ATTRIBUTE'],
    ['a numeric id', event({ id: 7 }), 'INVALID_ATTRIBUTE'],
    ['an id over 255 characters', event({ id: 'x'.repeat(256) }), 'INVALID_ATTRIBUTE'],
    ['an id with a control character', event({ id: 'a\nb' }), 'INVALID_ATTRIBUTE'],
    ['no specversion', event({ specversion: undefined }), 'MISSING_ATTRIBUTE'],
    ['specversion 0.3', event({ specversion: '0.3' }), 'INVALID_ATTRIBUTE'],
    ['no source', event({ source: undefined }), 'MISSING_ATTRIBUTE'],
    ['a source with a space', event({ source: '/a b' }), 'INVALID_ATTRIBUTE'],
    ['a source with a quote', event({ source: '/a"b' }), 'INVALID_ATTRIBUTE'],
    ['no type', event({ type: undefined }), 'MISSING_ATTRIBUTE'],
    ['another type', event({ type: 'io.streamplane.heartbeat.v1' }), 'UNKNOWN_TYPE'],
    ['no subject', event({ subject: undefined }), 'MISSING_ATTRIBUTE'],
    [
      'another deployment as subject',
      event({ subject: '11111111-2222-4333-8444-555555555555' }),
      'SUBJECT_NOT_ALLOWED',
    ],
    ['the subject in upper case', event({ subject: DEPLOYMENT.toUpperCase() }), 'SUBJECT_NOT_ALLOWED'],
    ['no time', event({ time: undefined }), 'MISSING_ATTRIBUTE'],
    ['a time without zone', event({ time: '2026-11-22T12:00:00' }), 'INVALID_ATTRIBUTE'],
    ['a date only', event({ time: '2026-11-22' }), 'INVALID_ATTRIBUTE'],
    ['30 February', event({ time: '2026-02-30T00:00:00Z' }), 'INVALID_ATTRIBUTE'],
    ['hour 24', event({ time: '2026-11-22T24:00:00Z' }), 'INVALID_ATTRIBUTE'],
    ['epoch millis as time', event({ time: NOW }), 'INVALID_ATTRIBUTE'],
    ['a non-JSON datacontenttype', event({ datacontenttype: 'text/xml' }), 'INVALID_ATTRIBUTE'],
    ['a relative dataschema', event({ dataschema: 'schemas/usage' }), 'INVALID_ATTRIBUTE'],
    ['data_base64', event({ data: undefined, data_base64: 'e30=' }), 'INVALID_ATTRIBUTE'],
    ['an upper-case extension name', event({ traceParent: 'x' }), 'INVALID_ATTRIBUTE'],
    ['an object extension value', event({ region: { a: 1 } }), 'INVALID_ATTRIBUTE'],
    ['no data', event({ data: undefined }), 'MISSING_ATTRIBUTE'],
    ['data as a string', event({ data: 'ingress_bytes=42' }), 'INVALID_ATTRIBUTE'],
    ['no dimension', event({}, { dimension: undefined }), 'MISSING_ATTRIBUTE'],
    ['an unknown dimension', event({}, { dimension: 'gpu_hours' }), 'UNKNOWN_DIMENSION'],
    ['no value', event({}, { value: undefined }), 'INVALID_VALUE'],
    ['a negative value', event({}, { value: -0.5 }), 'INVALID_VALUE'],
    ['a value as a string', event({}, { value: '42' }), 'INVALID_VALUE'],
    ['a value over 10^15', event({}, { value: 2e15 }), 'INVALID_VALUE'],
    ['a unique count without key', event({}, { dimension: 'connected_assets', value: 1 }), 'MISSING_KEY'],
    [
      'a unique count with an empty key',
      event({}, { dimension: 'connected_assets', value: 1, key: '' }),
      'MISSING_KEY',
    ],
    [
      'a unique count with a numeric key',
      event({}, { dimension: 'connected_assets', value: 1, key: 7 }),
      'INVALID_KEY',
    ],
    ['an event 73 hours old', event({ time: new Date(NOW - 73 * HOUR).toISOString() }), 'TOO_OLD'],
    ['an event 6 minutes ahead', event({ time: new Date(NOW + 360_000).toISOString() }), 'IN_FUTURE'],
    ['an array', [event()], 'INVALID_ATTRIBUTE'],
    ['null', null, 'INVALID_ATTRIBUTE'],
  ])('rejects %s', (_what, item, reason) => {
    expect(reasonOf(item)).toBe(reason);
  });

  it.each([
    [
      'an event 71 hours old (late, within the grace period)',
      event({ time: new Date(NOW - 71 * HOUR).toISOString() }),
    ],
    ['an event 4 minutes ahead (clock skew)', event({ time: new Date(NOW + 240_000).toISOString() })],
    ['a lower-case t and z', event({ time: '2026-11-22t12:00:00z' })],
    ['nanosecond precision', event({ time: '2026-11-22T12:00:00.123456789Z' })],
    ['no datacontenttype', event({ datacontenttype: undefined })],
    ['datacontenttype with a charset', event({ datacontenttype: 'application/json; charset=utf-8' })],
    ['extension attributes', event({ traceparent: '00-abc', priority: 3, sampled: true })],
    ['an absolute URI source', event({ source: 'urn:streamplane:agent:1' })],
    ['a value of zero', event({}, { value: 0 })],
    ['a unique count with its key', event({}, { dimension: 'connected_assets', value: 1, key: 'device-7' })],
  ])('accepts %s', (_what, item) => {
    expect(reasonOf(item)).toBe('ACCEPTED');
  });

  it('keeps going after a bad event and reports each with its index and id', () => {
    const { events, rejected } = validateUsageEvents(
      [event({ id: 'a' }), event({ id: 'b', type: 'x' }), 'junk', event({ id: 'a' }), event({ id: 'c' })],
      WINDOW,
    );
    expect(events.map((e) => [e.index, e.id])).toEqual([
      [0, 'a'],
      [4, 'c'],
    ]);
    expect(rejected.map(({ index, id, reason }) => ({ index, id, reason }))).toEqual([
      { index: 1, id: 'b', reason: 'UNKNOWN_TYPE' },
      { index: 2, id: null, reason: 'INVALID_ATTRIBUTE' },
      { index: 3, id: 'a', reason: 'DUPLICATE_IN_BATCH' },
    ]);
  });

  it('treats the same id from two sources as two events', () => {
    const { events } = validateUsageEvents([event({ source: '/a' }), event({ source: '/b' })], WINDOW);
    expect(events).toHaveLength(2);
  });

  it('reads RFC 3339 times exactly', () => {
    expect(rfc3339ToMs('2026-11-22T12:00:00Z')).toBe(Date.UTC(2026, 10, 22, 12));
    expect(rfc3339ToMs('2026-11-22T12:00:00-05:30')).toBe(Date.UTC(2026, 10, 22, 17, 30));
    expect(rfc3339ToMs('2024-02-29T00:00:00Z')).toBe(Date.UTC(2024, 1, 29));
    expect(rfc3339ToMs('2026-02-29T00:00:00Z')).toBeUndefined();
    expect(rfc3339ToMs('0050-01-01T00:00:00Z')).toBe(Date.parse('0050-01-01T00:00:00Z'));
    expect(rfc3339ToMs('2026-11-22T12:00:00+24:00')).toBeUndefined();
  });

  // We validate by hand for speed (see the module's comment); this keeps us within the CloudEvents rules.
  it('never accepts what the CloudEvents SDK refuses in strict mode', () => {
    const candidates: unknown[] = [
      event(),
      event({ source: 'https://streamplane.io/agents/1?x=y#z' }),
      event({ source: 'urn:uuid:6e8bc430-9c3a-11d9-9669-0800200c9a66' }),
      event({ source: '/a%20b' }),
      event({ source: '/a[b]' }),
      event({ source: "/it's(ok)!*" }),
      event({ time: '2026-11-22T12:00:00.123456789+14:00' }),
      event({ time: '2026-11-22t12:00:00z' }),
      event({ dataschema: 'https://streamplane.io/schemas/usage.v1.json' }),
      event({ traceparent: '00-abc', priority: 3, sampled: true }),
      event({ verylongextensionnamepastthetwentycharacters: 'x' }),
      event({ datacontenttype: 'application/json; charset=utf-8' }),
    ];
    for (const candidate of candidates) {
      if (reasonOf(candidate) !== 'ACCEPTED') continue;
      expect(() => new CloudEvent(json(candidate) as never, true)).not.toThrow();
    }
    expect(candidates.filter((c) => reasonOf(c) === 'ACCEPTED').length).toBeGreaterThan(8);
  });

  it('agrees with the SDK on random sources and data schemas (whatever we accept, it accepts)', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const alphabet = 'abXY09-._~:/?#[]@!$&\'()*+,;=% "<>{}|\\^`';
    let accepted = 0;
    for (let i = 0; i < 5000; i++) {
      let text =
        random() < 0.3 ? `%${'0aFg'[Math.floor(random() * 4)]}${'1G'[Math.floor(random() * 2)]}` : '';
      for (let n = 1 + Math.floor(random() * 8); n > 0; n--)
        text += alphabet[Math.floor(random() * alphabet.length)];
      for (const candidate of [event({ source: text }), event({ dataschema: `h${text}` })]) {
        if (reasonOf(candidate) !== 'ACCEPTED') continue;
        accepted++;
        expect(() => new CloudEvent(json(candidate) as never, true)).not.toThrow();
      }
    }
    expect(accepted).toBeGreaterThan(500);
  });
});

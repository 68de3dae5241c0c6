import { PipelineError } from '../pipelines.errors';
import { parsePipelineSpec, type PipelineSpec } from '../spec/pipeline-spec';
import { validatePipeline, type NeighbourPipeline } from './validate-pipeline';

function spec(overrides: Record<string, unknown> = {}, stages?: unknown[]): unknown {
  return {
    name: 'sensors',
    stages: stages ?? [
      {
        name: 'ingest',
        kind: 'source.mqtt',
        options: { brokerUrl: 'mqtts://broker:8883', topicFilter: 'plant/#' },
      },
      {
        name: 'clean',
        kind: 'transform.filter',
        options: { predicates: [{ field: 'temperature', op: 'exists' }] },
      },
      { name: 'out', kind: 'sink.kafka', options: { topic: 'readings' } },
    ],
    ...overrides,
  };
}

/** The typed error `work` throws: its reason code (and fields). */
function refusal(work: () => unknown): { reason: string; fields?: unknown } {
  try {
    work();
  } catch (error) {
    if (error instanceof PipelineError) return { reason: error.reason, fields: error.details.fields };
    throw error;
  }
  throw new Error('expected a PipelineError, nothing was thrown');
}

function check(raw: unknown, neighbours: NeighbourPipeline[] = []): PipelineSpec {
  const parsed = parsePipelineSpec(raw);
  validatePipeline(parsed, neighbours);
  return parsed;
}

const kafkaToKafka = (name: string, from: string, to: string): NeighbourPipeline => ({
  name,
  spec: parsePipelineSpec(
    spec({ name }, [
      { name: 'read', kind: 'source.kafka', options: { topic: from } },
      { name: 'pass', kind: 'transform.map', options: { fields: { a: 'a' } } },
      { name: 'write', kind: 'sink.kafka', options: { topic: to } },
    ]),
  ),
});

describe('pipeline validation', () => {
  it('accepts a valid pipeline and fills in the defaults', () => {
    const parsed = check(spec());
    expect(parsed.topics).toEqual({ partitions: 6, retentionHours: 168, cleanupPolicy: 'delete' });
    expect(parsed.stages[0].options).toMatchObject({ qos: 1 });
  });

  it.each([
    ['a name with a space', 'bad topic'],
    ['a name of ..', '..'],
    ['a name of .', '.'],
    ['an empty name', ''],
    ['a name longer than 249', 'x'.repeat(250)],
    ['a non-ASCII name', 'tëmp'],
  ])('refuses %s for a topic as INVALID_TOPIC_NAME', (_what, topic) => {
    const raw = spec({}, [
      { name: 'read', kind: 'source.kafka', options: { topic } },
      { name: 'write', kind: 'sink.kafka', options: { topic: 'out' } },
    ]);
    expect(refusal(() => check(raw))).toMatchObject({
      reason: 'INVALID_TOPIC_NAME',
      fields: [{ field: 'stages.0.options.topic' }],
    });
  });

  it('refuses an invalid output topic override', () => {
    const stages = (spec() as { stages: Record<string, unknown>[] }).stages;
    stages[1] = { ...stages[1], outputTopic: 'no/slashes' };
    expect(refusal(() => check(spec({}, stages))).reason).toBe('INVALID_TOPIC_NAME');
  });

  it('refuses an unknown stage kind as UNKNOWN_STAGE_KIND, naming the stage', () => {
    const stages = (spec() as { stages: Record<string, unknown>[] }).stages;
    stages[1] = { name: 'magic', kind: 'transform.teleport', options: {} };
    expect(refusal(() => check(spec({}, stages)))).toEqual({
      reason: 'UNKNOWN_STAGE_KIND',
      fields: [{ field: 'stages.1.kind', message: 'is not a known stage kind' }],
    });
  });

  it('refuses stages out of order, repeated names and bad options as INVALID_PIPELINE', () => {
    const [source, transform, sink] = (spec() as { stages: unknown[] }).stages;
    expect(refusal(() => check(spec({}, [transform, source, sink]))).reason).toBe('INVALID_PIPELINE');
    expect(refusal(() => check(spec({}, [source, sink, sink]))).reason).toBe('INVALID_PIPELINE');
    expect(refusal(() => check(spec({}, [source])))).toMatchObject({ reason: 'INVALID_PIPELINE' });
    const badOptions = spec({}, [
      { name: 'ingest', kind: 'source.mqtt', options: { brokerUrl: 'http://broker', topicFilter: 'x' } },
      sink,
    ]);
    expect(refusal(() => check(badOptions))).toMatchObject({
      reason: 'INVALID_PIPELINE',
      fields: [{ field: 'stages.0.options.brokerUrl' }],
    });
    expect(refusal(() => check(spec({ name: 'Not_A_Label' }))).reason).toBe('INVALID_PIPELINE');
  });

  it('refuses a sink that writes the pipeline’s own source topic as SINK_WRITES_SOURCE', () => {
    const raw = spec({}, [
      { name: 'read', kind: 'source.kafka', options: { topic: 'events' } },
      { name: 'clean', kind: 'transform.dedupe', options: { keyField: 'id', windowSeconds: 60 } },
      { name: 'write', kind: 'sink.kafka', options: { topic: 'events' } },
    ]);
    expect(refusal(() => check(raw)).reason).toBe('SINK_WRITES_SOURCE');
    // Also when the source is an MQTT source writing its own topic.
    const mqtt = spec({}, [
      { name: 'ingest', kind: 'source.mqtt', options: { brokerUrl: 'mqtt://b', topicFilter: '#' } },
      { name: 'write', kind: 'sink.kafka', options: { topic: 'sensors.ingest' } },
    ]);
    expect(refusal(() => check(mqtt)).reason).toBe('SINK_WRITES_SOURCE');
  });

  it('refuses a sink that writes back into one of its own intermediate topics as PIPELINE_CYCLE', () => {
    const raw = spec({}, [
      { name: 'ingest', kind: 'source.http', options: { path: '/in' } },
      { name: 'clean', kind: 'transform.dedupe', options: { keyField: 'id', windowSeconds: 60 } },
      { name: 'write', kind: 'sink.kafka', options: { topic: 'sensors.ingest' } },
    ]);
    // sensors.ingest is the source's topic: that is the more precise SINK_WRITES_SOURCE.
    expect(refusal(() => check(raw)).reason).toBe('SINK_WRITES_SOURCE');
    const intoMiddle = spec({}, [
      { name: 'ingest', kind: 'source.http', options: { path: '/in' } },
      { name: 'clean', kind: 'transform.dedupe', options: { keyField: 'id', windowSeconds: 60 } },
      { name: 'shape', kind: 'transform.map', options: { fields: { a: 'b' } } },
      { name: 'write', kind: 'sink.kafka', options: { topic: 'sensors.clean' } },
    ]);
    expect(refusal(() => check(intoMiddle)).reason).toBe('PIPELINE_CYCLE');
  });

  it('refuses a cycle across pipelines of the deployment as PIPELINE_CYCLE', () => {
    const neighbours = [kafkaToKafka('a-to-b', 'a', 'b'), kafkaToKafka('b-to-c', 'b', 'c')];
    // c → a closes a → b → c → a.
    const closing = spec({ name: 'c-to-a' }, kafkaToKafka('x', 'c', 'a').spec.stages);
    const error = refusal(() => check(closing, neighbours));
    expect(error.reason).toBe('PIPELINE_CYCLE');
    // Without the middle pipeline there is no loop.
    expect(() => check(closing, [neighbours[0]])).not.toThrow();
  });

  it('refuses a JSON Schema that does not compile, and accepts one that does', () => {
    const withSchema = (schema: unknown) =>
      spec({}, [
        { name: 'ingest', kind: 'source.http', options: { path: '/in' } },
        { name: 'check', kind: 'transform.validate', options: { schema, onInvalid: 'dead-letter' } },
        { name: 'out', kind: 'sink.kafka', options: { topic: 'readings' } },
      ]);
    expect(refusal(() => check(withSchema({ type: 'no-such-type' })))).toMatchObject({
      reason: 'INVALID_JSON_SCHEMA',
      fields: [{ field: 'stages.1.options.schema' }],
    });
    expect(refusal(() => check(withSchema({ properties: { a: { minimum: 'x' } } }))).reason).toBe(
      'INVALID_JSON_SCHEMA',
    );
    expect(() => check(withSchema({ type: 'object', required: ['id'] }))).not.toThrow();

    const custom = spec({}, [
      { name: 'ingest', kind: 'source.http', options: { path: '/in' } },
      {
        name: 'fn',
        kind: 'transform.custom',
        options: {
          runtime: 'javascript',
          code: 'module.exports = (m) => m',
          inputSchema: {},
          outputSchema: { type: 7 },
        },
      },
      { name: 'out', kind: 'sink.kafka', options: { topic: 'readings' } },
    ]);
    expect(refusal(() => check(custom))).toMatchObject({
      reason: 'INVALID_JSON_SCHEMA',
      fields: [{ field: 'stages.1.options.outputSchema' }],
    });
  });

  it('refuses a topic another pipeline of the deployment creates as TOPIC_TAKEN', () => {
    const other: NeighbourPipeline = { name: 'other', spec: parsePipelineSpec(spec({ name: 'other' })) };
    const stages = (spec() as { stages: Record<string, unknown>[] }).stages;
    stages[1] = { ...stages[1], outputTopic: 'other.clean' };
    expect(refusal(() => check(spec({}, stages), [other])).reason).toBe('TOPIC_TAKEN');
  });
});

import { describe, expect, it } from 'vitest';
import {
  initialDraft,
  insertTransform,
  layoutOf,
  newStage,
  specFieldKey,
  toSpecInput,
  validateDraft,
  type PipelineDraft,
} from './stage-builder';

function valid(): PipelineDraft {
  const draft = initialDraft();
  draft.name = 'telemetry';
  draft.stages[0].options = {
    brokerUrl: 'mqtts://broker.example.com:8883',
    topicFilter: 'devices/+/telemetry',
    qos: 1,
  };
  draft.stages[1].options = { match: 'all', predicates: [{ field: 'temperature', op: 'gt', value: 30 }] };
  draft.stages[2].options = { topic: 'alerts' };
  return draft;
}

describe('the stage builder’s checks (the api’s, made first)', () => {
  it('accepts a well-formed source → filter → sink', () => {
    expect(validateDraft(valid())).toEqual({});
  });

  it('names the fields the way the api does: pipeline and stage names are DNS labels, stage names unique', () => {
    const draft = valid();
    draft.name = 'Telemetry_1';
    draft.stages[1].name = 'ingest';
    const errors = validateDraft(draft);
    expect(errors.name).toMatch(/Lower-case letters/);
    expect(errors['stages.1.name']).toMatch(/Another stage is named ingest/);
    expect(validateDraft({ ...valid(), name: 'a'.repeat(41) }).name).toBe('At most 40 characters.');
  });

  it('keeps the source first, transforms in the middle and the sink last', () => {
    const draft = valid();
    draft.stages = [draft.stages[2], draft.stages[1], draft.stages[0]];
    const errors = validateDraft(draft);
    expect(errors['stages.0.kind']).toBe('The first stage must be a source.');
    expect(errors['stages.2.kind']).toBe('The last stage must be a sink.');
    expect(validateDraft({ ...valid(), stages: [valid().stages[0]] }).stages).toMatch(
      /at least a source and a sink/,
    );
  });

  it('checks topic names by Kafka’s rule, and the default topic that follows from the names', () => {
    const draft = valid();
    draft.stages[2].options = { topic: 'bad topic!' };
    draft.stages[1].outputTopic = '..';
    const errors = validateDraft(draft);
    expect(errors['stages.2.options.topic']).toMatch(/letters, digits, \. _ and -/);
    expect(errors['stages.1.outputTopic']).toBe('A topic cannot be named . or ..');
    expect(layoutOf(valid()).map((stage) => stage.output)).toEqual([
      'telemetry.ingest',
      'telemetry.filter',
      'alerts',
    ]);
  });

  it('refuses a sink that writes the pipeline’s own source or one of its own topics', () => {
    const fromKafka = valid();
    fromKafka.stages[0] = { ...newStage('source.kafka', 'read'), options: { topic: 'orders' } };
    fromKafka.stages[2].options = { topic: 'orders' };
    expect(validateDraft(fromKafka)['stages.2.options.topic']).toMatch(
      /would write the topic the pipeline reads/,
    );
    const loop = valid();
    loop.stages[2].options = { topic: 'telemetry.filter' };
    expect(validateDraft(loop)['stages.2.options.topic']).toMatch(/would make a loop/);
  });

  it('checks the options of the common kinds and the required options the catalog names', () => {
    const draft = valid();
    draft.stages[0].options = { brokerUrl: 'http://broker', topicFilter: '', assetIdFrom: 'device' };
    draft.stages[1].options = { predicates: [{ field: 'temperature', op: 'gt' }] };
    const errors = validateDraft(draft, [
      { kind: 'source.mqtt', options: [{ name: 'topicFilter', required: true }] },
    ]);
    expect(errors['stages.0.options.brokerUrl']).toMatch(/mqtt:\/\/ or mqtts:\/\//);
    expect(errors['stages.0.options.topicFilter']).toMatch(/Required: an MQTT topic filter/);
    expect(errors['stages.0.options.assetIdFrom']).toMatch(/topic-segment/);
    expect(errors['stages.1.options.predicates.0.value']).toMatch(/A value to compare with/);
    const mapped = valid();
    mapped.stages[1] = { ...newStage('transform.map', 'shape'), options: {} };
    const catalog = [{ kind: 'transform.map', options: [{ name: 'fields', required: true }] }];
    expect(validateDraft(mapped, catalog)['stages.1.options.fields']).toBe('Required: fields.');
  });

  it('says so when the JSON editor holds no object, and sends what it holds otherwise', () => {
    const draft = valid();
    draft.stages[1].optionsJson = '{"match": "all", predicates: []';
    expect(validateDraft(draft)['stages.1.options']).toMatch(/Not a JSON object/);
    draft.stages[1].optionsJson = '{"match":"any","predicates":[{"field":"a","op":"exists"}]}';
    expect(validateDraft(draft)).toEqual({});
    expect(toSpecInput(draft).stages[1].options).toEqual({
      match: 'any',
      predicates: [{ field: 'a', op: 'exists' }],
    });
  });

  it('checks the topic settings', () => {
    const errors = validateDraft({ ...valid(), partitions: 0, retentionHours: '' });
    expect(errors['topics.partitions']).toBe('1 to 1000 partitions.');
    expect(errors['topics.retentionHours']).toMatch(/1 hour/);
  });

  it('sends the spec without empty optional options, and adds transforms before the sink', () => {
    const draft = insertTransform(valid(), 'transform.map');
    draft.stages[0].options = { ...draft.stages[0].options, assetIdFrom: '', username: '' };
    const spec = toSpecInput(draft);
    expect(spec.stages.map((stage) => stage.kind)).toEqual([
      'source.mqtt',
      'transform.filter',
      'transform.map',
      'sink.kafka',
    ]);
    expect(spec.stages[0].options).not.toHaveProperty('assetIdFrom');
    expect(spec.topics).toEqual({ partitions: 6, retentionHours: 168, cleanupPolicy: 'delete' });
    expect(specFieldKey('input.spec.stages.0.name')).toBe('stages.0.name');
  });
});

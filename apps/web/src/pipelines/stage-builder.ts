import type { PipelineQuery, PipelineSpecInput } from '../generated/graphql';

/**
 * The new-pipeline form as data: the stages a person builds, the checks the api makes (libs/pipelines:
 * pipeline-spec.ts, stage-catalog.ts, topic-layout.ts, validate-pipeline.ts) made here first so nothing
 * is sent that would be refused, and the spec sent. Errors are keyed by the api's own field paths
 * (`name`, `stages.1.options.brokerUrl`), so the api's refusals land on the same fields.
 */
export type StageRole = 'source' | 'transform' | 'sink';

export interface StageDraft {
  /** Stable React key (names change while typed). */
  key: string;
  name: string;
  kind: string;
  options: Record<string, unknown>;
  /** Options as typed in the JSON editor; used instead of `options` while it is set. */
  optionsJson?: string;
  /** Overrides the default `<pipeline>.<stage>` topic (non-sink stages that get a topic). */
  outputTopic: string;
}

export interface PipelineDraft {
  name: string;
  description: string;
  partitions: number | string;
  retentionHours: number | string;
  cleanupPolicy: 'delete' | 'compact';
  stages: StageDraft[];
}

export type FieldErrors = Record<string, string>;

export const MAX_STAGES = 12;

export function roleOfKind(kind: string): StageRole | undefined {
  const role = kind.split('.')[0];
  return role === 'source' || role === 'transform' || role === 'sink' ? role : undefined;
}

/** What a new stage of a kind starts with: the api's defaults, and examples where a value is needed. */
export function defaultOptions(kind: string): Record<string, unknown> {
  switch (kind) {
    case 'source.mqtt':
      return {
        brokerUrl: 'mqtts://',
        topicFilter: 'devices/+/telemetry',
        qos: 1,
        assetIdFrom: 'topic-segment:1',
      };
    case 'source.http':
      return { path: '/ingest', maxBodyBytes: 1024 * 1024 };
    case 'source.kafka':
    case 'sink.kafka':
      return { topic: '' };
    case 'transform.filter':
      return { match: 'all', predicates: [{ field: '', op: 'exists' }] };
    case 'transform.map':
      return { fields: { id: 'id' } };
    case 'transform.enrich':
      return { joinField: '', data: {} };
    case 'transform.dedupe':
      return { keyField: '', windowSeconds: 300 };
    case 'transform.validate':
      return { schema: { type: 'object' }, onInvalid: 'drop' };
    case 'transform.custom':
      return {
        runtime: 'javascript',
        code: 'export default (message) => message;\n',
        inputSchema: { type: 'object' },
        outputSchema: { type: 'object' },
      };
    case 'sink.http':
      return { url: 'https://', headers: {}, batchSize: 100 };
    case 'sink.postgres':
      return { connectionString: '', table: '', mode: 'insert' };
    case 'sink.object-storage':
      return { bucketUrl: 's3://', prefix: '', format: 'json', flushSeconds: 60 };
    default:
      return {};
  }
}

let counter = 0;
export function newStage(kind: string, name: string): StageDraft {
  counter += 1;
  return { key: `stage-${counter}`, name, kind, options: defaultOptions(kind), outputTopic: '' };
}

/** A first draft: an MQTT source, a filter and a Kafka sink, the common shape. */
export function initialDraft(): PipelineDraft {
  return {
    name: '',
    description: '',
    partitions: 6,
    retentionHours: 168,
    cleanupPolicy: 'delete',
    stages: [
      newStage('source.mqtt', 'ingest'),
      newStage('transform.filter', 'filter'),
      newStage('sink.kafka', 'deliver'),
    ],
  };
}

/** A kind for a new stage inserted before the sink: a transform. */
export function insertTransform(draft: PipelineDraft, kind = 'transform.filter'): PipelineDraft {
  const names = new Set(draft.stages.map((stage) => stage.name));
  let name = kind.split('.')[1] ?? 'transform';
  for (let n = 2; names.has(name); n++) name = `${kind.split('.')[1]}-${n}`;
  const stages = [...draft.stages];
  stages.splice(Math.max(1, stages.length - 1), 0, newStage(kind, name));
  return { ...draft, stages };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const TOPIC_NAME = /^[a-zA-Z0-9._-]{1,249}$/;
const FIELD_PATH = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const PREDICATE_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'contains'];

export function dnsLabelProblem(value: string, max: number): string | undefined {
  if (value.length === 0) return 'Required.';
  if (value.length > max) return `At most ${max} characters.`;
  if (!DNS_LABEL.test(value))
    return 'Lower-case letters, digits and -, starting and ending with a letter or digit.';
  return undefined;
}

/** Kafka's rule for topic names, as the api applies it. */
export function topicNameProblem(value: string): string | undefined {
  if (value === '.' || value === '..') return 'A topic cannot be named . or ..';
  if (!TOPIC_NAME.test(value)) return '1 to 249 characters: letters, digits, . _ and - only.';
  return undefined;
}

/** The options a stage will send: parsed from its JSON editor, or the form's, with empty optionals left out. */
export function stageOptions(stage: StageDraft): Record<string, unknown> | undefined {
  if (stage.optionsJson !== undefined) {
    try {
      const parsed: unknown = JSON.parse(stage.optionsJson);
      return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? (parsed as Record<string, unknown>)
        : undefined;
    } catch {
      return undefined;
    }
  }
  return Object.fromEntries(
    Object.entries(stage.options).filter(
      ([, value]) => value !== '' && value !== undefined && value !== null,
    ),
  );
}

/** Where each stage reads and writes, as the api will lay the pipeline out. */
export interface StageTopics {
  input?: string;
  output?: string;
  deadLetter?: string;
  /** Whether the pipeline creates the output topic (false for an existing topic named by the stage). */
  created: boolean;
}

export function layoutOf(draft: PipelineDraft): StageTopics[] {
  let previous: string | undefined;
  return draft.stages.map((stage) => {
    const role = roleOfKind(stage.kind);
    const options = stageOptions(stage) ?? {};
    const entry: StageTopics = { created: false };
    if (stage.kind === 'source.kafka') entry.output = typeof options.topic === 'string' ? options.topic : '';
    else {
      if (role !== 'source') entry.input = previous;
      if (stage.kind === 'sink.kafka') entry.output = typeof options.topic === 'string' ? options.topic : '';
      else if (role !== 'sink') {
        entry.output = stage.outputTopic.trim() || `${draft.name || '<pipeline>'}.${stage.name || '<stage>'}`;
        entry.created = true;
      }
      if (stage.kind === 'transform.validate' && options.onInvalid === 'dead-letter') {
        entry.deadLetter = `${entry.output}.dlq`;
      }
    }
    previous = entry.output;
    return entry;
  });
}

function numberIn(value: unknown, min: number, max: number): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** The option rules of the kinds the form knows (the api checks every kind; these are the common ones). */
function optionProblems(
  kind: string,
  options: Record<string, unknown>,
  add: (option: string, message: string) => void,
) {
  const text = (name: string): string => {
    const value = options[name];
    return typeof value === 'string' ? value : '';
  };
  switch (kind) {
    case 'source.mqtt': {
      if (!/^mqtts?:\/\/[^/\s:]+/.test(text('brokerUrl')))
        add('brokerUrl', 'An mqtt:// or mqtts:// URL with a host.');
      if (!text('topicFilter'))
        add('topicFilter', 'Required: an MQTT topic filter, e.g. devices/+/telemetry.');
      if (options.qos !== undefined && options.qos !== 0 && options.qos !== 1) add('qos', 'QoS 0 or 1.');
      if (
        options.assetIdFrom !== undefined &&
        !/^(client-id|topic-segment:\d{1,2})$/.test(text('assetIdFrom'))
      )
        add('assetIdFrom', 'client-id, or topic-segment:<n> (e.g. topic-segment:1).');
      break;
    }
    case 'source.http':
      if (!/^\/[A-Za-z0-9._~\-/]{0,199}$/.test(text('path')))
        add('path', 'A path starting with / (letters, digits, . _ ~ - /).');
      if (options.maxBodyBytes !== undefined && !numberIn(options.maxBodyBytes, 1, 10 * 1024 * 1024))
        add('maxBodyBytes', 'A whole number of bytes, at most 10 MiB (10485760).');
      break;
    case 'source.kafka':
    case 'sink.kafka': {
      const problem = topicNameProblem(text('topic'));
      if (problem)
        add('topic', text('topic') ? problem : 'Required: the name of a topic of this deployment.');
      break;
    }
    case 'transform.filter': {
      const predicates = Array.isArray(options.predicates)
        ? (options.predicates as Record<string, unknown>[])
        : [];
      if (predicates.length === 0) add('predicates', 'Add at least one condition.');
      predicates.forEach((predicate, index) => {
        if (typeof predicate.field !== 'string' || !FIELD_PATH.test(predicate.field))
          add(`predicates.${index}.field`, 'A field path such as temperature or payload.device.id.');
        if (!PREDICATE_OPS.includes(String(predicate.op)))
          add(`predicates.${index}.op`, 'Pick a comparison.');
        if (predicate.op !== 'exists' && (predicate.value === undefined || predicate.value === ''))
          add(`predicates.${index}.value`, 'A value to compare with (only “exists” needs none).');
      });
      break;
    }
    case 'transform.dedupe':
      if (!FIELD_PATH.test(text('keyField')))
        add('keyField', 'The field that identifies a message, e.g. id.');
      if (!numberIn(options.windowSeconds, 1, 7 * 24 * 3600))
        add('windowSeconds', '1 second to 7 days (604800).');
      break;
    case 'transform.enrich':
      if (!FIELD_PATH.test(text('joinField')))
        add('joinField', 'The field whose value is the row key, e.g. deviceId.');
      break;
    case 'sink.http':
      if (!/^https:\/\/[^/\s]+/.test(text('url'))) add('url', 'An https:// URL with a host.');
      if (options.batchSize !== undefined && !numberIn(options.batchSize, 1, 10_000))
        add('batchSize', '1 to 10000 messages per request.');
      break;
    case 'sink.postgres':
      if (!text('connectionString') && typeof options.connectionString !== 'object')
        add(
          'connectionString',
          'Required: a postgresql:// connection string (kept sealed, never shown again).',
        );
      if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/.test(text('table')))
        add('table', 'A table or schema.table name.');
      break;
    case 'sink.object-storage':
      if (!/^(s3|azblob):\/\/[a-z0-9][a-z0-9.-]{1,62}(\/.*)?$/.test(text('bucketUrl')))
        add('bucketUrl', 'An s3://bucket or azblob://container URL.');
      if (options.flushSeconds !== undefined && !numberIn(options.flushSeconds, 1, 3600))
        add('flushSeconds', '1 to 3600 seconds.');
      break;
    default:
      break;
  }
}

/** Everything the api would refuse that can be seen here, keyed by the api's field paths. */
export function validateDraft(
  draft: PipelineDraft,
  catalog: { kind: string; options: { name: string; required: boolean }[] }[] = [],
): FieldErrors {
  const errors: FieldErrors = {};
  const add = (field: string, message: string) => {
    errors[field] ??= message;
  };
  const nameProblem = dnsLabelProblem(draft.name, 40);
  if (nameProblem) add('name', nameProblem);
  if (!numberIn(draft.partitions, 1, 1000)) add('topics.partitions', '1 to 1000 partitions.');
  if (!numberIn(draft.retentionHours, 1, 24 * 365 * 10))
    add('topics.retentionHours', '1 hour to 10 years (87600).');

  const { stages } = draft;
  if (stages.length < 2) add('stages', 'A pipeline needs at least a source and a sink.');
  if (stages.length > MAX_STAGES) add('stages', `A pipeline has at most ${MAX_STAGES} stages.`);
  const last = stages.length - 1;
  stages.forEach((stage, index) => {
    const at = `stages.${index}`;
    const problem = dnsLabelProblem(stage.name, 30);
    if (problem) add(`${at}.name`, problem);
    else if (stages.findIndex((other) => other.name === stage.name) !== index)
      add(`${at}.name`, `Another stage is named ${stage.name}: stage names are unique in a pipeline.`);
    const role = roleOfKind(stage.kind);
    const expected: StageRole = index === 0 ? 'source' : index === last ? 'sink' : 'transform';
    if (role !== expected)
      add(
        `${at}.kind`,
        index === 0
          ? 'The first stage must be a source.'
          : index === last
            ? 'The last stage must be a sink.'
            : 'Stages between the source and the sink must be transforms.',
      );
    const options = stageOptions(stage);
    if (!options) {
      add(`${at}.options`, 'Not a JSON object: check the braces, quotes and commas.');
      return;
    }
    optionProblems(stage.kind, options, (option, message) => add(`${at}.options.${option}`, message));
    for (const option of catalog.find((entry) => entry.kind === stage.kind)?.options ?? []) {
      if (option.required && (options[option.name] === undefined || options[option.name] === ''))
        add(`${at}.options.${option.name}`, `Required: ${option.name}.`);
    }
    if (stage.outputTopic.trim()) {
      if (role === 'sink' || stage.kind === 'source.kafka')
        add(`${at}.outputTopic`, 'This stage writes no topic of its own.');
      else {
        const topicProblem = topicNameProblem(stage.outputTopic.trim());
        if (topicProblem) add(`${at}.outputTopic`, topicProblem);
      }
    }
  });

  // The topic graph within this pipeline (the api also checks it against the deployment's other pipelines).
  const layout = layoutOf(draft);
  const created = new Map<string, number>();
  layout.forEach((entry, index) => {
    if (!entry.created || !entry.output) return;
    if (!errors[`stages.${index}.outputTopic`] && !errors[`stages.${index}.name`] && !errors.name) {
      const problem = topicNameProblem(entry.output);
      if (problem) add(`stages.${index}.outputTopic`, `${entry.output}: ${problem}`);
    }
    if (created.has(entry.output))
      add(
        `stages.${index}.outputTopic`,
        `Stage ${created.get(entry.output)! + 1} writes ${entry.output} already: name this stage’s topic differently.`,
      );
    else created.set(entry.output, index);
  });
  const sink = stages[last];
  if (stages.length >= 2 && sink?.kind === 'sink.kafka') {
    const target = layout[last]?.output ?? '';
    if (target && target === layout[0]?.output)
      add(
        `stages.${last}.options.topic`,
        'The sink would write the topic the pipeline reads: pick another topic.',
      );
    else if (target && created.has(target))
      add(
        `stages.${last}.options.topic`,
        `${target} is a topic of this pipeline: writing it would make a loop.`,
      );
  }
  return errors;
}

/** The spec as the api takes it. */
export function toSpecInput(draft: PipelineDraft): PipelineSpecInput {
  return {
    name: draft.name.trim(),
    ...(draft.description.trim() ? { description: draft.description.trim() } : {}),
    topics: {
      partitions: Number(draft.partitions),
      retentionHours: Number(draft.retentionHours),
      cleanupPolicy: draft.cleanupPolicy,
    },
    stages: draft.stages.map((stage) => ({
      name: stage.name,
      kind: stage.kind,
      options: stageOptions(stage) ?? {},
      ...(stage.outputTopic.trim() ? { outputTopic: stage.outputTopic.trim() } : {}),
    })),
  };
}

/** The api names fields by their input path (`input.spec.stages.0.name`): the draft's keys are the spec's. */
export function specFieldKey(field: string): string {
  return field.replace(/^(input\.)?(spec\.)?/, '');
}

/** The errors of one stage (`stages.<i>.…`), with the stage prefix taken off. */
export function stageErrors(errors: FieldErrors, index: number): FieldErrors {
  const prefix = `stages.${index}.`;
  return Object.fromEntries(
    Object.entries(errors)
      .filter(([key]) => key.startsWith(prefix))
      .map(([key, message]) => [key.slice(prefix.length), message]),
  );
}

/**
 * A stored pipeline as a draft to edit: its options as the api shows them (secrets as { set: true }, sent
 * back to keep them), and a topic name only where it is not the default.
 */
export function draftFromPipeline(pipeline: PipelineQuery['pipeline']): PipelineDraft {
  return {
    name: pipeline.name,
    description: pipeline.description ?? '',
    partitions: pipeline.topics.partitions,
    retentionHours: pipeline.topics.retentionHours,
    cleanupPolicy: pipeline.topics.cleanupPolicy === 'compact' ? 'compact' : 'delete',
    stages: pipeline.stages.map((stage, index) => {
      const draft = newStage(stage.kind, stage.name);
      const ownTopic =
        index < pipeline.stages.length - 1 && stage.kind !== 'source.kafka' && stage.outputTopic !== null;
      const named = ownTopic && stage.outputTopic !== `${pipeline.name}.${stage.name}`;
      return { ...draft, options: { ...stage.options }, outputTopic: named ? (stage.outputTopic ?? '') : '' };
    }),
  };
}

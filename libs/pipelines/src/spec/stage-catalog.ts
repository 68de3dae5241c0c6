import { z } from 'zod';

/**
 * The stage kinds a pipeline can use, their options (zod) and the words the API shows for them. A stage's
 * role (source, transform, sink) is the first part of its kind.
 */
export type StageRole = 'source' | 'transform' | 'sink';

/** A secret option: a value to seal, or `{ set: true }` (what the API returns) to keep the stored one. */
export const SecretInput = z.union([
  z.string().min(1, 'must not be empty').max(4096, 'must be at most 4096 characters'),
  z.strictObject({ set: z.literal(true) }),
  // A stored, sealed value (only ever produced by this library; the service refuses it from clients).
  z.strictObject({ sealed: z.string().min(1), keyId: z.string().min(1) }),
]);
export type SecretInput = z.infer<typeof SecretInput>;

const json: z.ZodType<unknown> = z.json();
/** A JSON Schema document; that it compiles is checked separately (ajv). */
const jsonSchema = z.record(z.string(), json);

const fieldPath = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/, 'must be a dotted field path (a.b.c)');

const PREDICATE_OPS = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'exists', 'contains'] as const;

const predicate = z
  .strictObject({
    field: fieldPath,
    op: z.enum(PREDICATE_OPS),
    value: json.optional(),
  })
  .refine((p) => p.op === 'exists' || p.value !== undefined, 'needs a value unless op is exists');

const MAX_ENRICH_BYTES = 1024 * 1024;
const MAX_CODE_BYTES = 64 * 1024;

export const STAGE_OPTIONS = {
  'source.mqtt': z.strictObject({
    brokerUrl: z.url({ protocol: /^mqtts?$/, error: 'must be an mqtt:// or mqtts:// URL' }),
    topicFilter: z.string().min(1).max(1024),
    qos: z.union([z.literal(0), z.literal(1)]).default(1),
    assetIdFrom: z
      .string()
      .regex(/^(client-id|topic-segment:\d{1,2})$/, 'must be client-id or topic-segment:<n>')
      .optional(),
    username: z.string().min(1).max(256).optional(),
    password: SecretInput.optional(),
  }),
  'source.http': z.strictObject({
    path: z
      .string()
      .regex(/^\/[A-Za-z0-9._~\-/]{0,199}$/, 'must be a path starting with / (letters, digits, . _ ~ - /)'),
    maxBodyBytes: z
      .number()
      .int()
      .min(1)
      .max(10 * 1024 * 1024)
      .default(1024 * 1024),
  }),
  'source.kafka': z.strictObject({ topic: z.string() }),
  'transform.filter': z.strictObject({
    match: z.enum(['all', 'any']).default('all'),
    predicates: z.array(predicate).min(1).max(50),
  }),
  'transform.map': z.strictObject({
    fields: z
      .record(fieldPath, fieldPath)
      .refine((fields) => Object.keys(fields).length >= 1, 'must map at least one field')
      .refine((fields) => Object.keys(fields).length <= 200, 'must map at most 200 fields'),
  }),
  'transform.enrich': z.strictObject({
    joinField: fieldPath,
    data: z
      .record(z.string().max(256), z.record(z.string(), json))
      .refine((data) => JSON.stringify(data).length <= MAX_ENRICH_BYTES, 'must be at most 1 MB as JSON'),
  }),
  'transform.dedupe': z.strictObject({
    keyField: fieldPath,
    windowSeconds: z
      .number()
      .int()
      .min(1)
      .max(7 * 24 * 3600),
  }),
  'transform.validate': z.strictObject({
    schema: jsonSchema,
    onInvalid: z.enum(['drop', 'dead-letter']).default('drop'),
  }),
  'transform.custom': z.strictObject({
    runtime: z.literal('javascript'),
    code: z
      .string()
      .min(1)
      .refine((code) => Buffer.byteLength(code, 'utf8') <= MAX_CODE_BYTES, 'must be at most 64 KiB'),
    inputSchema: jsonSchema,
    outputSchema: jsonSchema,
  }),
  'sink.kafka': z.strictObject({ topic: z.string() }),
  'sink.http': z.strictObject({
    url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }),
    headers: z
      .record(z.string().regex(/^[A-Za-z0-9-]{1,100}$/, 'must be a header name'), SecretInput)
      .refine((headers) => Object.keys(headers).length <= 20, 'must have at most 20 headers')
      .default({}),
    batchSize: z.number().int().min(1).max(10_000).default(100),
  }),
  'sink.postgres': z.strictObject({
    connectionString: SecretInput,
    table: z
      .string()
      .regex(
        /^[A-Za-z_][A-Za-z0-9_]{0,62}(\.[A-Za-z_][A-Za-z0-9_]{0,62})?$/,
        'must be a table or schema.table',
      ),
    mode: z.enum(['insert', 'upsert']).default('insert'),
    keyColumns: z
      .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,62}$/))
      .max(32)
      .optional(),
  }),
  'sink.object-storage': z.strictObject({
    bucketUrl: z
      .string()
      .regex(/^(s3|azblob):\/\/[a-z0-9][a-z0-9.-]{1,62}(\/.*)?$/, 'must be an s3:// or azblob:// URL'),
    prefix: z.string().max(512).default(''),
    format: z.enum(['json', 'parquet']).default('json'),
    flushSeconds: z.number().int().min(1).max(3600).default(60),
  }),
} as const;

export type StageKind = keyof typeof STAGE_OPTIONS;
export type StageOptions<K extends StageKind> = z.output<(typeof STAGE_OPTIONS)[K]>;

export const STAGE_KINDS = Object.keys(STAGE_OPTIONS) as StageKind[];

export function isStageKind(kind: unknown): kind is StageKind {
  return typeof kind === 'string' && Object.hasOwn(STAGE_OPTIONS, kind);
}

export function roleOf(kind: StageKind): StageRole {
  return kind.split('.')[0] as StageRole;
}

/** Where a kind keeps secrets: option names, or `headers.*` for every value of a record option. */
export const SECRET_OPTIONS: Record<StageKind, readonly string[]> = {
  'source.mqtt': ['password'],
  'source.http': [],
  'source.kafka': [],
  'transform.filter': [],
  'transform.map': [],
  'transform.enrich': [],
  'transform.dedupe': [],
  'transform.validate': [],
  'transform.custom': [],
  'sink.kafka': [],
  'sink.http': ['headers.*'],
  'sink.postgres': ['connectionString'],
  'sink.object-storage': [],
};

export interface StageKindDescription {
  kind: StageKind;
  role: StageRole;
  title: string;
  description: string;
  options: { name: string; type: string; required: boolean; secret: boolean; description: string }[];
}

type OptionDoc = [name: string, type: string, required: boolean, description: string];

const DOCS: Record<StageKind, { title: string; description: string; options: OptionDoc[] }> = {
  'source.mqtt': {
    title: 'MQTT subscription',
    description: 'Subscribes to an MQTT broker and writes every message to the stage’s topic.',
    options: [
      ['brokerUrl', 'string', true, 'mqtt:// or mqtts:// URL of the broker.'],
      ['topicFilter', 'string', true, 'MQTT topic filter, wildcards + and # allowed.'],
      ['qos', '0 | 1', false, 'Subscription QoS (default 1).'],
      ['assetIdFrom', 'string', false, 'Where a device id comes from: client-id or topic-segment:<n>.'],
      ['username', 'string', false, 'Broker user name.'],
      ['password', 'secret', false, 'Broker password (sealed; never returned).'],
    ],
  },
  'source.http': {
    title: 'HTTP endpoint',
    description: 'Accepts JSON POSTs on a path and writes each body to the stage’s topic.',
    options: [
      ['path', 'string', true, 'The path to POST to, starting with /.'],
      ['maxBodyBytes', 'integer', false, 'Largest accepted body (default 1 MiB, at most 10 MiB).'],
    ],
  },
  'source.kafka': {
    title: 'Existing Kafka topic',
    description: 'Reads an existing topic of the deployment; it gets no topic of its own.',
    options: [['topic', 'string', true, 'The topic name.']],
  },
  'transform.filter': {
    title: 'Filter',
    description: 'Keeps the messages that match all (or any) of a list of field predicates.',
    options: [
      ['match', 'all | any', false, 'Whether every predicate must hold (default all) or one.'],
      [
        'predicates',
        'array',
        true,
        '[{ field, op: eq|ne|gt|gte|lt|lte|exists|contains, value }]; value unless op is exists.',
      ],
    ],
  },
  'transform.map': {
    title: 'Map fields',
    description: 'Builds each output message from fields of the input message.',
    options: [['fields', 'object', true, '{ outputField: inputField.path }.']],
  },
  'transform.enrich': {
    title: 'Enrich with static data',
    description: 'Adds the fields of a static table row, looked up by a field of the message.',
    options: [
      ['joinField', 'string', true, 'The message field whose value is the row key.'],
      ['data', 'object', true, '{ key: { field: value } }, at most 1 MB.'],
    ],
  },
  'transform.dedupe': {
    title: 'Deduplicate',
    description: 'Drops a message whose key was seen within the window.',
    options: [
      ['keyField', 'string', true, 'The field that identifies a message.'],
      ['windowSeconds', 'integer', true, 'How long a key is remembered.'],
    ],
  },
  'transform.validate': {
    title: 'Validate',
    description: 'Checks each message against a JSON Schema; invalid ones are dropped or dead-lettered.',
    options: [
      ['schema', 'JSON Schema', true, 'The schema messages must satisfy.'],
      ['onInvalid', 'drop | dead-letter', false, 'dead-letter writes them to the stage’s .dlq topic.'],
    ],
  },
  'transform.custom': {
    title: 'Custom function',
    description: 'Runs your JavaScript function on each message, between declared input and output schemas.',
    options: [
      ['runtime', 'javascript', true, 'The function’s runtime.'],
      [
        'code',
        'string',
        true,
        'The module source, at most 64 KiB; exports a function (message) => message | null.',
      ],
      ['inputSchema', 'JSON Schema', true, 'What the function accepts.'],
      ['outputSchema', 'JSON Schema', true, 'What it returns.'],
    ],
  },
  'sink.kafka': {
    title: 'Kafka topic',
    description: 'Writes to a topic of the deployment (never the pipeline’s own source).',
    options: [['topic', 'string', true, 'The topic name.']],
  },
  'sink.http': {
    title: 'HTTP webhook',
    description: 'POSTs batches of messages to an https:// URL.',
    options: [
      ['url', 'string', true, 'The https:// URL.'],
      ['headers', 'object', false, 'Request headers; values are sealed and never returned.'],
      ['batchSize', 'integer', false, 'Messages per request (default 100).'],
    ],
  },
  'sink.postgres': {
    title: 'PostgreSQL table',
    description: 'Inserts or upserts each message as a row.',
    options: [
      ['connectionString', 'secret', true, 'postgresql:// connection string (sealed; never returned).'],
      ['table', 'string', true, 'table or schema.table.'],
      ['mode', 'insert | upsert', false, 'Default insert.'],
      ['keyColumns', 'string[]', false, 'The conflict key for upsert.'],
    ],
  },
  'sink.object-storage': {
    title: 'Object storage',
    description: 'Writes batches of messages as files to S3 or Azure Blob Storage.',
    options: [
      ['bucketUrl', 'string', true, 's3://bucket or azblob://container URL.'],
      ['prefix', 'string', false, 'Object name prefix.'],
      ['format', 'json | parquet', false, 'Default json (one message per line).'],
      ['flushSeconds', 'integer', false, 'How often a file is written (default 60).'],
    ],
  },
};

/** The catalog as the API shows it. */
export function stageCatalog(): StageKindDescription[] {
  return STAGE_KINDS.map((kind) => {
    const doc = DOCS[kind];
    const secrets = SECRET_OPTIONS[kind];
    return {
      kind,
      role: roleOf(kind),
      title: doc.title,
      description: doc.description,
      options: doc.options.map(([name, type, required, description]) => ({
        name,
        type,
        required,
        secret: secrets.includes(name) || secrets.includes(`${name}.*`),
        description,
      })),
    };
  });
}

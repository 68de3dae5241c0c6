import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

/**
 * Validates generated Kubernetes objects against the real schemas in `../shared/schemas/` (next to the
 * repository's root: `/work/shared` here, the sibling of the clone in CI), set up as the folders' READMEs
 * prescribe: Ajv with `strict: false`, ajv-formats, `int-or-string` as a format, Go-style `(?i)` patterns, null
 * members dropped. On top of that every schema object that lists `properties` is made closed
 * (`additionalProperties: false`, the READMEs' `strictCopy`) unless it preserves unknown fields, so a
 * misspelt field fails here as it would under `kubectl apply --validate=strict`.
 *
 * For custom resources, whose schemas only say `metadata: {type: object}`, metadata is checked against
 * Kubernetes' own ObjectMeta.
 */
export interface SchemaViolation {
  kind: string;
  name: string;
  errors: string[];
}

/** The directory holding `nx.json`: the repository root, wherever the clone lives. */
export function repositoryRoot(from = __dirname): string {
  let directory = from;
  while (!existsSync(join(directory, 'nx.json'))) {
    const parent = dirname(directory);
    if (parent === directory) throw new Error(`no nx.json above ${from}`);
    directory = parent;
  }
  return directory;
}

export const SHARED_SCHEMAS = resolve(repositoryRoot(), '..', 'shared', 'schemas');

const readJson = (...segments: string[]): unknown =>
  JSON.parse(readFileSync(join(SHARED_SCHEMAS, ...segments), 'utf8'));

// Go (RE2) patterns may start with (?i), which JavaScript rejects: turn it into the `i` flag.
const goRegExp = Object.assign(
  (source: string, flags: string) => {
    const match = /^(\^?)\(\?i\)/.exec(source);
    return match
      ? new RegExp(match[1] + source.slice(match[0].length), flags + 'i')
      : new RegExp(source, flags);
  },
  { code: 'goRegExp' },
);

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The API server reads a null member as absent; the schemas have no `nullable`. */
export function dropNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(dropNulls);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, member]) => member !== null && member !== undefined)
        .map(([key, member]) => [key, dropNulls(member)]),
    );
  }
  return value;
}

/** Closes every object schema with `properties` (unless it preserves unknown fields). */
function strictCopy(node: Json): Json {
  if (Array.isArray(node)) return node.map(strictCopy);
  if (!node || typeof node !== 'object') return node;
  const copy: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    copy[key] =
      (key === 'properties' || key === '$defs') && value && typeof value === 'object' && !Array.isArray(value)
        ? Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, strictCopy(schema)]))
        : strictCopy(value);
  }
  if (
    copy.properties &&
    // A `oneOf` branch like `{properties: {certificate: {}}, required: [certificate]}` only constrains the
    // object its parent describes (Strimzi's trustedCertificates); closing it would reject the parent's members.
    Object.values(copy.properties as Record<string, Json>).some(
      (member) => !member || typeof member !== 'object' || Object.keys(member).length > 0,
    ) &&
    copy.additionalProperties === undefined &&
    copy['x-kubernetes-preserve-unknown-fields'] !== true
  ) {
    copy.additionalProperties = false;
  }
  return copy;
}

interface IndexEntry {
  apiVersion: string;
  kind: string;
  file: string;
}

/** `apiVersion/kind` → schema file (relative to SHARED_SCHEMAS), from each folder's index or naming rule. */
function schemaFiles(): Map<string, string> {
  const files = new Map<string, string>();
  for (const folder of ['kubernetes', 'prometheus-operator', 'keda']) {
    const index = readJson(folder, 'index.json') as { schemas: IndexEntry[] };
    for (const entry of index.schemas)
      files.set(`${entry.apiVersion}/${entry.kind}`, join(folder, entry.file));
  }
  for (const kind of [
    'Kafka',
    'KafkaNodePool',
    'KafkaUser',
    'KafkaTopic',
    'KafkaRebalance',
    'KafkaConnect',
    'KafkaConnector',
    'KafkaBridge',
    'KafkaMirrorMaker2',
  ]) {
    files.set(`kafka.strimzi.io/v1/${kind}`, join('strimzi', `${kind.toLowerCase()}.v1.schema.json`));
  }
  return files;
}

const formatError = (error: ErrorObject): string =>
  `${error.instancePath || '/'} ${error.message ?? ''}${
    error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : ''
  }`;

export class SchemaValidator {
  private readonly ajv = new Ajv({ strict: false, allErrors: true, code: { regExp: goRegExp } });
  private readonly files = schemaFiles();
  private readonly compiled = new Map<string, ValidateFunction>();
  private objectMeta?: ValidateFunction;

  constructor() {
    addFormats(this.ajv);
    this.ajv.addFormat('int-or-string', true);
  }

  /** Whether a schema exists for this apiVersion and kind. */
  has(apiVersion: string, kind: string): boolean {
    return this.files.has(`${apiVersion}/${kind}`);
  }

  /** Problems of one object (empty when valid); throws when no schema exists for its kind. */
  validate(object: Record<string, unknown>): string[] {
    const apiVersion = String(object.apiVersion);
    const kind = String(object.kind);
    const manifest = dropNulls(object) as Record<string, unknown>;
    const errors = this.errorsOf(this.schema(apiVersion, kind), manifest);
    // Custom resources' schemas leave metadata unchecked; check it like the API server does for built-ins.
    if (this.files.get(`${apiVersion}/${kind}`)?.startsWith('kubernetes')) return errors;
    const metadataErrors = this.errorsOf(this.objectMetaSchema(), manifest.metadata ?? {});
    return [...errors, ...metadataErrors.map((error) => `metadata${error}`)];
  }

  private errorsOf(validate: ValidateFunction, value: unknown): string[] {
    return validate(value) ? [] : (validate.errors ?? []).map(formatError);
  }

  private schema(apiVersion: string, kind: string): ValidateFunction {
    const key = `${apiVersion}/${kind}`;
    const cached = this.compiled.get(key);
    if (cached) return cached;
    const file = this.files.get(key);
    if (!file) throw new Error(`no schema for ${key} in ${SHARED_SCHEMAS}`);
    const compiled = this.ajv.compile(strictCopy(readJson(file) as Json) as object);
    this.compiled.set(key, compiled);
    return compiled;
  }

  private objectMetaSchema(): ValidateFunction {
    if (!this.objectMeta) {
      const configMap = strictCopy(readJson('kubernetes', 'configmap.core.v1.schema.json') as Json) as {
        $defs: Record<string, Json>;
      };
      this.objectMeta = this.ajv.compile({
        $defs: configMap.$defs,
        $ref: '#/$defs/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      });
    }
    return this.objectMeta;
  }
}

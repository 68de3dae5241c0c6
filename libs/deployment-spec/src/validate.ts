import { z } from 'zod';
import { catalogFor, findNodeSize, findRegion } from './catalog/catalog';
import { supportedKafkaVersions } from './catalog/kafka-versions';
import {
  CLIENT_AUTHENTICATIONS,
  CLOUDS,
  type ClientAuthentication,
  type Cloud,
  type DeploymentSpec,
} from './deployment-spec';
import {
  DeploymentSpecError,
  DeploymentSpecErrorCode as Code,
  type SpecProblem,
} from './deployment-spec.errors';
import { SPEC_LIMITS } from './spec-limits';
import { isRecord, problemsOf } from './spec-issues';
import { caseInsensitiveDuplicates, tagKeyProblem, tagValueProblem } from './tag-rules';

// Every rule reports a custom zod issue whose params carry its code (see spec-issues.ts).
function report(ctx: z.RefinementCtx, code: Code, message: string, path: PropertyKey[] = []) {
  ctx.addIssue({ code: 'custom', message, path, params: { code } });
}

function oneOf<T>(values: readonly T[], code: Code, message: string) {
  return z.custom<T>((value) => values.includes(value as T), { message, params: { code } });
}

// A DNS-1123 label that also starts with a letter: the name goes into cloud resource names and Kubernetes
// Service names (DNS-1035 labels, which must start with a letter), so a leading digit would break them.
const NAME_PATTERN = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

const name = z.string().superRefine((value, ctx) => {
  const { minLength, maxLength } = SPEC_LIMITS.name;
  if (value.length < minLength || value.length > maxLength) {
    report(ctx, Code.INVALID_NAME, `must be ${minLength} to ${maxLength} characters`);
  } else if (!NAME_PATTERN.test(value)) {
    report(
      ctx,
      Code.INVALID_NAME,
      'must be lower-case letters, digits and hyphens, start with a letter and end with a letter or digit',
    );
  }
});

const zones = z
  .array(z.string())
  .superRefine((value, ctx) => {
    if (value.length !== 3) {
      report(ctx, Code.WRONG_ZONE_COUNT, `must list exactly three availability zones (got ${value.length})`);
    }
    value.forEach((zone, index) => {
      if (value.indexOf(zone) !== index) {
        report(ctx, Code.DUPLICATE_ZONE, `zone '${zone}' is listed twice; use three different zones`, [
          index,
        ]);
      }
    });
  })
  // The rule above guarantees the length.
  .transform((value) => value as [string, string, string]);

const kafkaVersion = z.string().superRefine((value, ctx) => {
  const supported = supportedKafkaVersions();
  if (!supported.includes(value)) {
    report(ctx, Code.UNSUPPORTED_KAFKA_VERSION, `must be one of ${supported.join(', ')}`);
  }
});

const brokers = z.int().superRefine((value, ctx) => {
  const { min, max } = SPEC_LIMITS.brokers;
  if (value < min) report(ctx, Code.TOO_FEW_BROKERS, `must be at least ${min} (replication factor 3)`);
  if (value > max) report(ctx, Code.TOO_MANY_BROKERS, `must be at most ${max}`);
});

const storagePerBrokerGiB = z.int().superRefine((value, ctx) => {
  const { min, max } = SPEC_LIMITS.storagePerBrokerGiB;
  if (value < min) report(ctx, Code.STORAGE_TOO_SMALL, `must be at least ${min} GiB`);
  if (value > max) report(ctx, Code.STORAGE_TOO_LARGE, `must be at most ${max} GiB`);
});

const tags = z.record(z.string(), z.string()).superRefine((value, ctx) => {
  const keys = Object.keys(value);
  const { maxCount } = SPEC_LIMITS.tags;
  if (keys.length > maxCount)
    report(ctx, Code.TOO_MANY_TAGS, `at most ${maxCount} tags (got ${keys.length})`);
  for (const key of keys) {
    const keyProblem = tagKeyProblem(key);
    if (keyProblem) report(ctx, Code.INVALID_TAG_KEY, keyProblem, [key]);
    const valueProblem = tagValueProblem(value[key]);
    if (valueProblem) report(ctx, Code.INVALID_TAG_VALUE, valueProblem, [key]);
  }
  for (const key of caseInsensitiveDuplicates(keys)) {
    report(ctx, Code.DUPLICATE_TAG_KEY, 'Azure compares tag keys ignoring case: this key repeats another', [
      key,
    ]);
  }
});

// Field-local rules. Rules that need another field (region, zones, node size) are in `crossFieldProblems`.
const FIELDS = {
  name,
  cloud: oneOf<Cloud>(CLOUDS, Code.UNKNOWN_CLOUD, `must be one of ${CLOUDS.join(', ')}`),
  region: z.string(),
  zones,
  kafkaVersion,
  controllers: oneOf<3 | 5>(SPEC_LIMITS.controllers, Code.INVALID_CONTROLLER_COUNT, 'must be 3 or 5'),
  brokers,
  nodeSize: z.string(),
  storagePerBrokerGiB,
  listeners: z.strictObject({
    internal: oneOf<true>(
      [true],
      Code.INVALID_LISTENERS,
      'must be true: the internal TLS listener is always on',
    ),
    external: z.boolean(),
  }),
  clientAuthentication: oneOf<ClientAuthentication>(
    CLIENT_AUTHENTICATIONS,
    Code.INVALID_CLIENT_AUTHENTICATION,
    `must be one of ${CLIENT_AUTHENTICATIONS.join(', ')}`,
  ),
  tags,
};

const specSchema = z.strictObject(FIELDS);
const FIELD_ORDER = Object.keys(FIELDS);

/**
 * Parses untrusted input (a GraphQL input, a stored spec) into a `DeploymentSpec`. Throws one
 * `DeploymentSpecError` (BAD_USER_INPUT, reason INVALID_DEPLOYMENT_SPEC) listing every problem found.
 */
export function parseDeploymentSpec(input: unknown): DeploymentSpec {
  const result = specSchema.safeParse(input);
  const problems = [
    ...(result.success ? [] : problemsOf(result.error.issues, input)),
    ...crossFieldProblems(input),
  ];
  if (result.success && problems.length === 0) return result.data;
  throw DeploymentSpecError.of(
    Code.INVALID_DEPLOYMENT_SPEC,
    'Invalid deployment spec',
    sortByField(problems),
  );
}

function crossFieldProblems(input: unknown): SpecProblem[] {
  if (!isRecord(input)) return [];
  const problems: SpecProblem[] = [];
  // zod's record drops a `__proto__` key without a word; refuse it rather than lose a tag.
  if (isRecord(input.tags) && Object.hasOwn(input.tags, '__proto__')) {
    problems.push({
      field: 'tags.__proto__',
      code: Code.INVALID_TAG_KEY,
      message: 'this tag key is not allowed',
    });
  }
  const cloud = FIELDS.cloud.safeParse(input.cloud);
  if (!cloud.success) return problems;
  const catalog = catalogFor(cloud.data);

  if (typeof input.region === 'string') {
    const region = findRegion(cloud.data, input.region);
    if (!region) {
      problems.push({
        field: 'region',
        code: Code.UNKNOWN_REGION,
        message: `'${input.region}' is not a ${catalog.displayName} region Streamplane offers`,
      });
    } else if (Array.isArray(input.zones)) {
      input.zones.forEach((zone, index) => {
        if (typeof zone === 'string' && !region.zones.includes(zone)) {
          problems.push({
            field: `zones.${index}`,
            code: Code.ZONE_NOT_IN_REGION,
            message: `'${zone}' is not a zone of ${region.name} (zones: ${region.zones.join(', ')})`,
          });
        }
      });
    }
  }

  if (typeof input.nodeSize === 'string') {
    const size = findNodeSize(cloud.data, input.nodeSize);
    const { minVcpu, minMemoryGiB } = SPEC_LIMITS.brokerNode;
    if (!size) {
      problems.push({
        field: 'nodeSize',
        code: Code.UNKNOWN_NODE_SIZE,
        message: `'${input.nodeSize}' is not a ${catalog.displayName} node size Streamplane offers`,
      });
    } else if (size.vcpu < minVcpu || size.memoryGiB < minMemoryGiB) {
      problems.push({
        field: 'nodeSize',
        code: Code.NODE_SIZE_TOO_SMALL,
        message: `a broker node needs at least ${minVcpu} vCPU and ${minMemoryGiB} GiB (${size.name} has ${size.vcpu} vCPU, ${size.memoryGiB} GiB)`,
      });
    }
  }
  return problems;
}

// Problems in the order of the spec's fields, so a form can show them top to bottom.
function sortByField(problems: SpecProblem[]): SpecProblem[] {
  const rank = (problem: SpecProblem) => {
    const index = FIELD_ORDER.indexOf(problem.field.split('.')[0]);
    return index === -1 ? FIELD_ORDER.length : index;
  };
  return [...problems].sort((a, b) => rank(a) - rank(b));
}

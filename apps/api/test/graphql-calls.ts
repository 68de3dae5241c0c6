import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { randomBytes, randomUUID } from 'node:crypto';
import { expectOk, uniqueEmail, type ApiClient } from './harness';

/**
 * GraphQL calls generated from the running api's schema, for tests that must cover every operation: a new
 * Query, Mutation or Subscription is called the day it is added, or the test fails until it has a fixture.
 */

export interface Operation {
  /** `Query.members`, `Mutation.removeMember`, `Subscription.deploymentEvents`. */
  name: string;
  /** Queries and mutations go over HTTP; subscriptions over a websocket (see subscription-client.ts). */
  kind: 'query' | 'mutation' | 'subscription';
  field: GraphQLField<unknown, unknown>;
  /** Names of the arguments and input-object fields of type ID, at any depth. */
  idArgs: string[];
}

export interface Call {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * Every Query, Mutation and Subscription of the running api, read by introspection. The standard introspection query
 * nests 15 levels: start the api with a GRAPHQL_MAX_DEPTH above that.
 */
export async function fetchOperations(client: ApiClient): Promise<Operation[]> {
  const introspection = expectOk(await client.gql(getIntrospectionQuery()), 'introspection');
  return operationsOf(buildClientSchema(introspection as IntrospectionQuery));
}

function operationsOf(schema: GraphQLSchema): Operation[] {
  const of = (kind: Operation['kind'], type: ReturnType<GraphQLSchema['getQueryType']>): Operation[] =>
    type
      ? Object.values(type.getFields()).map((field) => ({
          name: `${type.name}.${field.name}`,
          kind,
          field,
          idArgs: [...new Set(field.args.flatMap((arg) => idNamesIn(arg.name, arg.type)))],
        }))
      : [];
  return [
    ...of('query', schema.getQueryType()),
    ...of('mutation', schema.getMutationType()),
    ...of('subscription', schema.getSubscriptionType()),
  ];
}

function idNamesIn(name: string, type: GraphQLInputType, seen = new Set<string>()): string[] {
  const named = getNamedType(type);
  if (isScalarType(named) && named.name === 'ID') return [name];
  if (!isInputObjectType(named) || seen.has(named.name)) return [];
  seen.add(named.name);
  return Object.values(named.getFields()).flatMap((f) => idNamesIn(f.name, f.type, new Set(seen)));
}

/** Enum values that make the call one that would succeed on the owner's own objects. */
const PREFERRED_ENUM_VALUES: Record<string, string> = { Role: 'VIEWER', ApiTokenScope: 'READ' };

/**
 * Argument values for operations whose generated arguments could never be valid input, whoever calls
 * (e.g. a range whose two ends are the same generated date-time). Fixtures' own values go over these.
 */
const OPERATION_ARGS: Record<string, () => Record<string, unknown>> = {
  'Query.usage': () => {
    const to = new Date();
    return { range: { from: new Date(to.getTime() - 48 * 3_600_000).toISOString(), to: to.toISOString() } };
  },
};

function stringFor(name: string): string {
  if (/email/i.test(name)) return uniqueEmail('probe');
  if (/token|secret/i.test(name)) return `probe-${randomBytes(16).toString('hex')}`;
  if (/name/i.test(name)) return `Probe ${randomUUID().slice(0, 8)}`;
  return 'probe';
}

/**
 * A value for an argument or input field: IDs from `ids` (by name), other types generated. Nullable inputs
 * are left out unless an ID is inside them. Returns undefined to omit.
 */
function valueFor(name: string, type: GraphQLInputType, ids: Record<string, string>): unknown {
  if (!isNonNullType(type) && idNamesIn(name, type).length === 0) return undefined;
  const inner = isNonNullType(type) ? type.ofType : type;
  if (isListType(inner)) {
    const item = valueFor(name, inner.ofType, ids);
    return item === undefined ? [] : [item];
  }
  if (isEnumType(inner)) {
    const values = inner.getValues().map((v) => v.name);
    const preferred = PREFERRED_ENUM_VALUES[inner.name];
    return preferred && values.includes(preferred) ? preferred : values[0];
  }
  if (isInputObjectType(inner)) {
    const object: Record<string, unknown> = {};
    for (const field of Object.values(inner.getFields())) {
      const value = valueFor(field.name, field.type, ids);
      if (value !== undefined) object[field.name] = value;
    }
    return object;
  }
  switch (inner.name) {
    case 'ID':
      if (!(name in ids))
        throw new Error(`No fixture for the ID argument "${name}": add one to the test's ids`);
      return ids[name];
    case 'String':
      return stringFor(name);
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return new Date(Date.now() + 30 * 86_400_000).toISOString();
    case 'JSONObject':
      return {};
    default:
      throw new Error(
        `No value generator for scalar ${inner.name} (argument ${name}): add one to valueFor()`,
      );
  }
}

/** Leaf fields, and objects down to `depth` levels; fields that need arguments are skipped. */
function selectionFor(type: GraphQLOutputType, depth: number): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (isAbstractType(named) || !isObjectType(named)) return '{ __typename }';
  const parts = Object.values(named.getFields())
    .filter((f) => f.args.every((a) => !isNonNullType(a.type) || a.defaultValue !== undefined))
    .flatMap((f) => {
      if (isLeafType(getNamedType(f.type))) return [f.name];
      return depth > 0 ? [`${f.name} ${selectionFor(f.type, depth - 1)}`] : [];
    });
  return `{ ${parts.length > 0 ? parts.join(' ') : '__typename'} }`;
}

/**
 * What generated calls are made with. `ids`: argument name → the id of an object the call would succeed on.
 * `perOperation` (by `Query.x` / `Mutation.y` name): ids that replace those of `ids` for that operation
 * alone (e.g. an account of its own for a delete), and argument values that replace generated ones where a
 * generated value is not a valid input (a spec, a change, a confirmation) — so that a refused call is
 * refused for who calls, never for a malformed argument.
 */
export interface CallFixtures {
  ids: Record<string, string>;
  perOperation?: Record<string, { ids?: Record<string, string>; args?: Record<string, unknown> }>;
}

/** The ids `op` is called with: `fixtures.ids`, with the operation's own ids over them. */
export function idsFor(op: Operation, fixtures: CallFixtures): Record<string, string> {
  return { ...fixtures.ids, ...fixtures.perOperation?.[op.name]?.ids };
}

/** `op`'s ID arguments that have no fixture. */
export function missingIds(op: Operation, fixtures: CallFixtures): string[] {
  const ids = idsFor(op, fixtures);
  return op.idArgs.filter((arg) => !(arg in ids));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `override` over `generated`, input objects merged field by field; anything else replaced. */
function merged(generated: unknown, override: unknown): unknown {
  if (!isPlainObject(generated) || !isPlainObject(override)) return override;
  const result: Record<string, unknown> = { ...generated };
  for (const [key, value] of Object.entries(override)) result[key] = merged(generated[key], value);
  return result;
}

/**
 * The call of `op` with ID arguments from `fixtures` (or a plain argument name → id map) and every other
 * argument generated, or taken from the operation's `perOperation` argument values.
 */
export function callFor(op: Operation, fixtures: CallFixtures | Record<string, string>, depth = 1): Call {
  const { ids, perOperation } = (isPlainObject(fixtures.ids) ? fixtures : { ids: fixtures }) as CallFixtures;
  const own = perOperation?.[op.name];
  const allIds = { ...ids, ...own?.ids };
  const defaults = OPERATION_ARGS[op.name]?.() ?? {};
  const unknown = Object.keys({ ...defaults, ...own?.args }).filter(
    (name) => !op.field.args.some((a) => a.name === name),
  );
  if (unknown.length > 0)
    throw new Error(`${op.name} has no argument ${unknown.join(', ')}: fix its argument values`);
  const args = op.field.args
    .map((arg) => {
      const generated = valueFor(arg.name, arg.type, allIds);
      const withDefault =
        defaults[arg.name] === undefined ? generated : merged(generated, defaults[arg.name]);
      const override = own?.args?.[arg.name];
      return { arg, value: override === undefined ? withDefault : merged(withDefault, override) };
    })
    .filter(({ value }) => value !== undefined);
  const definitions = args.map(({ arg }) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = args.map(({ arg }) => `${arg.name}: $${arg.name}`).join(', ');
  const query =
    `${op.kind} Probe${definitions ? `(${definitions})` : ''} ` +
    `{ ${op.field.name}${passed ? `(${passed})` : ''} ${selectionFor(op.field.type, depth)} }`;
  return { query, variables: Object.fromEntries(args.map(({ arg, value }) => [arg.name, value])) };
}

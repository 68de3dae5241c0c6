import { ErrorKind } from '@streamplane/errors';
import { defaultSpec } from './default-spec';
import { CLOUDS, type DeploymentSpec } from './deployment-spec';
import {
  DeploymentSpecError,
  DeploymentSpecErrorCode as Code,
  type SpecProblem,
} from './deployment-spec.errors';
import { parseDeploymentSpec } from './validate';

/** The error `parseDeploymentSpec` throws for `input`; fails the test when it does not throw. */
function rejectionOf(input: unknown): DeploymentSpecError {
  try {
    parseDeploymentSpec(input);
  } catch (error) {
    expect(error).toBeInstanceOf(DeploymentSpecError);
    return error as DeploymentSpecError;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be rejected`);
}

function problemsOf(input: unknown): Pick<SpecProblem, 'field' | 'code'>[] {
  return rejectionOf(input).problems.map(({ field, code }) => ({ field, code }));
}

const azure = (changes: Record<string, unknown> = {}) => ({ ...defaultSpec('azure'), ...changes });
const aws = (changes: Record<string, unknown> = {}) => ({ ...defaultSpec('aws'), ...changes });

describe('parseDeploymentSpec', () => {
  it.each(CLOUDS)('accepts the default %s spec as it is', (cloud) => {
    expect(parseDeploymentSpec(defaultSpec(cloud))).toEqual(defaultSpec(cloud));
  });

  it('accepts a fuller spec at the edges of every bound', () => {
    const spec: DeploymentSpec = {
      name: 'orders-eu-1',
      cloud: 'aws',
      region: 'eu-west-1',
      zones: ['eu-west-1c', 'eu-west-1a', 'eu-west-1b'],
      kafkaVersion: '4.2.0',
      controllers: 5,
      brokers: 30,
      nodeSize: 'm6i.xlarge',
      storagePerBrokerGiB: 16_384,
      listeners: { internal: true, external: true },
      clientAuthentication: 'mtls',
      tags: { 'cost-center': 'Plattform Zürich', 'team:owner': 'data@example.com', 'empty value': '' },
    };
    expect(parseDeploymentSpec(spec)).toEqual(spec);
    expect(parseDeploymentSpec({ ...spec, name: 'abc', brokers: 3, storagePerBrokerGiB: 100 })).toMatchObject(
      {
        name: 'abc',
      },
    );
  });

  it('throws one BAD_USER_INPUT error whose fields carry each problem and its code', () => {
    const error = rejectionOf(azure({ name: 'X', brokers: 2 }));
    expect(error.kind).toBe(ErrorKind.BAD_USER_INPUT);
    expect(error.reason).toBe(Code.INVALID_DEPLOYMENT_SPEC);
    expect(error.details.fields).toEqual([
      { field: 'name', code: Code.INVALID_NAME, message: expect.any(String) },
      { field: 'brokers', code: Code.TOO_FEW_BROKERS, message: expect.any(String) },
    ]);
    expect(error.message).toMatch(/^Invalid deployment spec: name: .*; brokers: .*/);
  });

  it('reports every problem at once, in the order of the fields', () => {
    const input = {
      ...aws(),
      tags: { 'aws:owner': 'x' },
      brokers: 31,
      region: 'mars-north-1',
      name: '1st',
      kafkaVersion: '3.9.0',
      nodeSize: 'm6i.large',
      extra: true,
    };
    expect(problemsOf(input)).toEqual([
      { field: 'name', code: Code.INVALID_NAME },
      { field: 'region', code: Code.UNKNOWN_REGION },
      { field: 'kafkaVersion', code: Code.UNSUPPORTED_KAFKA_VERSION },
      { field: 'brokers', code: Code.TOO_MANY_BROKERS },
      { field: 'nodeSize', code: Code.NODE_SIZE_TOO_SMALL },
      { field: 'tags.aws:owner', code: Code.INVALID_TAG_KEY },
      { field: 'extra', code: Code.UNKNOWN_FIELD },
    ]);
  });

  describe('rules, each with its code', () => {
    it.each<[string, Record<string, unknown>, string, Code]>([
      ['a name that is too short', azure({ name: 'ab' }), 'name', Code.INVALID_NAME],
      ['a name that is too long', azure({ name: 'a'.repeat(41) }), 'name', Code.INVALID_NAME],
      ['a name with upper case', azure({ name: 'My-Kafka' }), 'name', Code.INVALID_NAME],
      ['a name starting with a digit', azure({ name: '1kafka' }), 'name', Code.INVALID_NAME],
      ['a name ending with a hyphen', azure({ name: 'kafka-' }), 'name', Code.INVALID_NAME],
      ['a name with a dot', azure({ name: 'my.kafka' }), 'name', Code.INVALID_NAME],
      ['an unknown cloud', azure({ cloud: 'gcp' }), 'cloud', Code.UNKNOWN_CLOUD],
      ['an Azure region on AWS', aws({ region: 'westeurope' }), 'region', Code.UNKNOWN_REGION],
      [
        'an AWS region Streamplane does not offer',
        aws({ region: 'us-west-1' }),
        'region',
        Code.UNKNOWN_REGION,
      ],
      ['two zones', azure({ zones: ['1', '2'] }), 'zones', Code.WRONG_ZONE_COUNT],
      [
        'four zones',
        aws({ zones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1d'] }),
        'zones',
        Code.WRONG_ZONE_COUNT,
      ],
      ['a zone twice', azure({ zones: ['1', '2', '1'] }), 'zones.2', Code.DUPLICATE_ZONE],
      ['a zone Azure does not have', azure({ zones: ['1', '2', '4'] }), 'zones.2', Code.ZONE_NOT_IN_REGION],
      [
        'a zone of another region',
        aws({ zones: ['us-east-1a', 'us-east-1b', 'us-east-2c'] }),
        'zones.2',
        Code.ZONE_NOT_IN_REGION,
      ],
      [
        'a zone the region lacks',
        aws({ region: 'ap-northeast-1', zones: ['ap-northeast-1a', 'ap-northeast-1b', 'ap-northeast-1c'] }),
        'zones.1',
        Code.ZONE_NOT_IN_REGION,
      ],
      ['an old Kafka', azure({ kafkaVersion: '3.9.1' }), 'kafkaVersion', Code.UNSUPPORTED_KAFKA_VERSION],
      [
        'a version that is not one',
        azure({ kafkaVersion: 'latest' }),
        'kafkaVersion',
        Code.UNSUPPORTED_KAFKA_VERSION,
      ],
      ['four controllers', azure({ controllers: 4 }), 'controllers', Code.INVALID_CONTROLLER_COUNT],
      ['one controller', azure({ controllers: 1 }), 'controllers', Code.INVALID_CONTROLLER_COUNT],
      ['controllers as text', azure({ controllers: '3' }), 'controllers', Code.INVALID_CONTROLLER_COUNT],
      ['two brokers', azure({ brokers: 2 }), 'brokers', Code.TOO_FEW_BROKERS],
      ['31 brokers', azure({ brokers: 31 }), 'brokers', Code.TOO_MANY_BROKERS],
      ['an unknown node size', azure({ nodeSize: 'Standard_D4s_v3' }), 'nodeSize', Code.UNKNOWN_NODE_SIZE],
      ['an AWS size on Azure', azure({ nodeSize: 'r6i.xlarge' }), 'nodeSize', Code.UNKNOWN_NODE_SIZE],
      [
        'a controller-sized node for brokers',
        azure({ nodeSize: 'Standard_D2s_v5' }),
        'nodeSize',
        Code.NODE_SIZE_TOO_SMALL,
      ],
      ['m6i.large for brokers', aws({ nodeSize: 'm6i.large' }), 'nodeSize', Code.NODE_SIZE_TOO_SMALL],
      [
        '99 GiB per broker',
        azure({ storagePerBrokerGiB: 99 }),
        'storagePerBrokerGiB',
        Code.STORAGE_TOO_SMALL,
      ],
      [
        '16385 GiB per broker',
        azure({ storagePerBrokerGiB: 16_385 }),
        'storagePerBrokerGiB',
        Code.STORAGE_TOO_LARGE,
      ],
      [
        'no internal listener',
        azure({ listeners: { internal: false, external: true } }),
        'listeners.internal',
        Code.INVALID_LISTENERS,
      ],
      [
        'plain-text auth',
        azure({ clientAuthentication: 'plain' }),
        'clientAuthentication',
        Code.INVALID_CLIENT_AUTHENTICATION,
      ],
      [
        'SCRAM-SHA-256',
        azure({ clientAuthentication: 'scram-sha-256' }),
        'clientAuthentication',
        Code.INVALID_CLIENT_AUTHENTICATION,
      ],
    ])('rejects %s', (_, input, field, code) => {
      expect(problemsOf(input)).toEqual([{ field, code }]);
    });
  });

  describe('tags, valid on both clouds', () => {
    it.each<[string, Record<string, string>, string, Code]>([
      ['an empty key', { '': 'x' }, 'tags.', Code.INVALID_TAG_KEY],
      [
        'a key over 128 characters (AWS)',
        { ['k'.repeat(129)]: 'x' },
        `tags.${'k'.repeat(129)}`,
        Code.INVALID_TAG_KEY,
      ],
      ['a key with / (Azure)', { 'team/owner': 'x' }, 'tags.team/owner', Code.INVALID_TAG_KEY],
      ['a key with % (Azure)', { 'cpu%': 'x' }, 'tags.cpu%', Code.INVALID_TAG_KEY],
      ['a key with ? (Azure)', { 'why?': 'x' }, 'tags.why?', Code.INVALID_TAG_KEY],
      ['a key with <> (Azure)', { '<b>': 'x' }, 'tags.<b>', Code.INVALID_TAG_KEY],
      ['a key with a backslash (Azure)', { 'a\\b': 'x' }, 'tags.a\\b', Code.INVALID_TAG_KEY],
      ['a key with & (Azure)', { 'r&d': 'x' }, 'tags.r&d', Code.INVALID_TAG_KEY],
      [
        'a key with the aws: prefix',
        { 'AWS:cloudformation': 'x' },
        'tags.AWS:cloudformation',
        Code.INVALID_TAG_KEY,
      ],
      [
        'a key with our own prefix',
        { 'streamplane:deployment': 'x' },
        'tags.streamplane:deployment',
        Code.INVALID_TAG_KEY,
      ],
      ['a key with a control character', { 'a\u0007b': 'x' }, 'tags.a\u0007b', Code.INVALID_TAG_KEY],
      ['a value over 256 characters', { owner: 'v'.repeat(257) }, 'tags.owner', Code.INVALID_TAG_VALUE],
      ['a value with characters AWS refuses', { owner: 'a<b>' }, 'tags.owner', Code.INVALID_TAG_VALUE],
      ['a value with a newline', { owner: 'a\nb' }, 'tags.owner', Code.INVALID_TAG_VALUE],
      [
        'keys that differ only in case (Azure)',
        { Owner: 'a', owner: 'b' },
        'tags.owner',
        Code.DUPLICATE_TAG_KEY,
      ],
    ])('rejects %s', (_, tags, field, code) => {
      expect(problemsOf(aws({ tags }))).toEqual([{ field, code }]);
    });

    it('counts characters, not UTF-16 units, against the limits', () => {
      const letter = '\u{1d49c}'; // 𝒜: one letter, two UTF-16 units
      expect(
        parseDeploymentSpec(aws({ tags: { [letter.repeat(128)]: letter.repeat(256) } })).tags,
      ).toBeDefined();
      expect(problemsOf(aws({ tags: { [letter.repeat(129)]: letter.repeat(257) } }))).toEqual([
        { field: `tags.${letter.repeat(129)}`, code: Code.INVALID_TAG_KEY },
        { field: `tags.${letter.repeat(129)}`, code: Code.INVALID_TAG_VALUE },
      ]);
    });

    it('allows 20 tags and refuses 21', () => {
      const tags = (count: number) =>
        Object.fromEntries(Array.from({ length: count }, (_, i) => [`tag${i}`, 'x']));
      expect(parseDeploymentSpec(aws({ tags: tags(20) })).tags).toEqual(tags(20));
      expect(problemsOf(aws({ tags: tags(21) }))).toEqual([{ field: 'tags', code: Code.TOO_MANY_TAGS }]);
    });

    it('refuses a __proto__ key instead of dropping it', () => {
      const input: unknown = JSON.parse(
        JSON.stringify(aws()).replace('"tags":{}', '"tags":{"__proto__":"x"}'),
      );
      expect(problemsOf(input)).toEqual([{ field: 'tags.__proto__', code: Code.INVALID_TAG_KEY }]);
    });
  });

  describe('shape', () => {
    it('names each missing field', () => {
      const { region: _region, tags: _tags, ...input } = aws();
      expect(problemsOf(input)).toEqual([
        { field: 'region', code: Code.MISSING_FIELD },
        { field: 'tags', code: Code.MISSING_FIELD },
      ]);
    });

    it('names each unknown field, nested ones too', () => {
      expect(
        problemsOf(aws({ replicas: 3, listeners: { internal: true, external: false, plain: true } })),
      ).toEqual([
        { field: 'listeners.plain', code: Code.UNKNOWN_FIELD },
        { field: 'replicas', code: Code.UNKNOWN_FIELD },
      ]);
    });

    it.each<[string, Record<string, unknown>, string]>([
      ['a name that is a number', azure({ name: 42 }), 'name'],
      ['fractional brokers', azure({ brokers: 3.5 }), 'brokers'],
      ['brokers as text', azure({ brokers: '3' }), 'brokers'],
      ['storage as text', azure({ storagePerBrokerGiB: '500' }), 'storagePerBrokerGiB'],
      ['zones as text', azure({ zones: '1,2,3' }), 'zones'],
      ['a zone that is a number', azure({ zones: [1, '2', '3'] }), 'zones.0'],
      [
        'external listener as text',
        azure({ listeners: { internal: true, external: 'yes' } }),
        'listeners.external',
      ],
      ['a tag value that is a number', azure({ tags: { cost: 12 } }), 'tags.cost'],
      ['tags as a list', azure({ tags: ['a'] }), 'tags'],
    ])('rejects %s as INVALID_TYPE', (_, input, field) => {
      expect(problemsOf(input)).toEqual([{ field, code: Code.INVALID_TYPE }]);
    });

    it.each([null, 'spec', 42, [defaultSpec('aws')]])('rejects %j as a whole', (input) => {
      expect(problemsOf(input)).toEqual([{ field: '(spec)', code: Code.INVALID_TYPE }]);
    });

    it('rejects nothing at all as missing', () => {
      expect(problemsOf(undefined)).toEqual([{ field: '(spec)', code: Code.MISSING_FIELD }]);
    });

    it('still checks region and node size when other fields are malformed', () => {
      expect(problemsOf(aws({ name: 7, region: 'nowhere', nodeSize: 'm6i.large' }))).toEqual([
        { field: 'name', code: Code.INVALID_TYPE },
        { field: 'region', code: Code.UNKNOWN_REGION },
        { field: 'nodeSize', code: Code.NODE_SIZE_TOO_SMALL },
      ]);
    });
  });
});

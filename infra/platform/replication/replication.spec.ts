import * as pulumi from '@pulumi/pulumi';
import type { DeploymentSpec } from '@streamplane/deployment-spec';
import { recordingMocks, type RecordedResource } from '../../cloud/mock-recorder';
import { buildUnderMocks } from '../../cloud/testing';
import type { ReplicationMirror, ReplicationSourceUser, ReplicationWorkload } from '../../types';
import { kubernetesMockResourceState } from '../mocks';
import {
  isSecretInput,
  makePlatformArgs,
  makeSpec,
  manifestNamed,
  manifests,
  manifestsOfKind,
  rawInputs,
  type Manifest,
} from '../testing/platform-fixtures';
import { SchemaValidator } from '../testing/schema-validator';
import { patternRegex } from './mirror-maker';

// Mocks first: the components are imported only after this (see beforeAll), as Pulumi's testing guide asks.
const recording = recordingMocks(kubernetesMockResourceState, (args) => args.inputs);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'unit', false);

const LINK = '0b6c2f6e-9d1a-4c55-8f3e-2a7b9c0d1e2f';
const PASSWORD = 'generated-mirroring-password-0123456789';

const sourceUser: ReplicationSourceUser = {
  linkId: LINK,
  userName: 'sp-mirror-0b6c2f6e9d1a-src',
  password: pulumi.secret(PASSWORD),
  topics: [
    { name: 'orders', patternType: 'literal' },
    { name: 'payments.', patternType: 'prefix' },
  ],
  consumerGroups: [{ name: 'billing-', patternType: 'prefix' }],
};

const mirror = (overrides: Partial<ReplicationMirror> = {}): ReplicationMirror => ({
  linkId: LINK,
  name: 'sp-mm2-0b6c2f6e9d1a',
  sourceAlias: 'eu-primary',
  targetAlias: 'us-standby',
  source: {
    bootstrapServers: 'eu-primary-bootstrap.example.invalid:9094',
    caCertificate: '-----BEGIN CERTIFICATE-----\nQ0E=\n-----END CERTIFICATE-----\n',
    userName: 'sp-mirror-0b6c2f6e9d1a-src',
    password: pulumi.secret(PASSWORD),
  },
  topics: sourceUser.topics,
  consumerGroups: sourceUser.consumerGroups,
  topicNaming: 'prefixed',
  paused: false,
  alerts: { replicationLatencySeconds: 60, checkpointAgeSeconds: 300 },
  ...overrides,
});

const validator = new SchemaValidator();

async function build(spec: DeploymentSpec, replication: ReplicationWorkload): Promise<RecordedResource[]> {
  const k8s = await import('@pulumi/kubernetes');
  const { KafkaPlatform } = await import('../platform');
  const built = await buildUnderMocks(recording, () => {
    const provider = new k8s.Provider('k8s', { kubeconfig: 'kubeconfig' });
    return new KafkaPlatform('platform', { ...makePlatformArgs(spec), replication }, { provider });
  });
  return built.resources;
}

const replicationObjects = (resources: RecordedResource[]): Manifest[] =>
  manifests(resources).filter(
    (manifest) => manifest.metadata.labels?.['streamplane.io/replication-link'] === LINK,
  );

type Acl = { resource: { type: string; name?: string; patternType?: string }; operations: string[] };
const aclsOf = (resources: RecordedResource[], user: string): Acl[] =>
  manifestNamed<any>(resources, 'KafkaUser', user).spec.authorization.acls as Acl[];

describe('replication on the Kubernetes side', () => {
  let source: RecordedResource[];
  let target: RecordedResource[];
  let targetMtls: RecordedResource[];
  let identity: RecordedResource[];

  beforeAll(async () => {
    const external = { listeners: { internal: true as const, external: true } };
    source = await build(makeSpec('azure', external), { sourceUsers: [sourceUser], mirrors: [] });
    target = await build(makeSpec('aws', { name: 'us-standby' }), { sourceUsers: [], mirrors: [mirror()] });
    targetMtls = await build(makeSpec('aws', { name: 'us-standby', clientAuthentication: 'mtls' }), {
      sourceUsers: [],
      mirrors: [mirror({ paused: true })],
    });
    identity = await build(makeSpec('azure'), {
      sourceUsers: [],
      mirrors: [mirror({ topicNaming: 'identity' })],
    });
  }, 120_000);

  it('renders only objects that validate against their schemas', () => {
    for (const resources of [source, target, targetMtls, identity]) {
      const objects = replicationObjects(resources);
      expect(objects.length).toBeGreaterThan(0);
      for (const object of objects) {
        expect({ kind: object.kind, name: object.metadata.name, errors: validator.validate(object) }).toEqual(
          {
            kind: object.kind,
            name: object.metadata.name,
            errors: [],
          },
        );
      }
    }
    expect(
      replicationObjects(source)
        .map((o) => o.kind)
        .sort(),
    ).toEqual(['KafkaUser', 'Secret']);
    expect(
      replicationObjects(target)
        .map((o) => o.kind)
        .sort(),
    ).toEqual([
      'ConfigMap',
      'KafkaMirrorMaker2',
      'KafkaUser',
      'PodMonitor',
      'PrometheusRule',
      'Secret',
      'Secret',
    ]);
  });

  it('gives the source user exactly the read grants mirroring needs, nothing more', () => {
    const acls = aclsOf(source, sourceUser.userName);
    expect(acls).toEqual([
      {
        resource: { type: 'topic', name: 'orders', patternType: 'literal' },
        operations: ['Read', 'Describe', 'DescribeConfigs'],
      },
      {
        resource: { type: 'topic', name: 'payments.', patternType: 'prefix' },
        operations: ['Read', 'Describe', 'DescribeConfigs'],
      },
      {
        resource: { type: 'topic', name: 'heartbeats', patternType: 'literal' },
        operations: ['Read', 'Describe'],
      },
      { resource: { type: 'group', name: 'billing-', patternType: 'prefix' }, operations: ['Describe'] },
    ]);
    // Never: writes, creation, deletion, config changes, the cluster resource, wildcard resources.
    for (const acl of acls) {
      expect(acl.resource.type).not.toBe('cluster');
      expect(acl.resource.name).not.toBe('*');
      for (const op of acl.operations) expect(['Read', 'Describe', 'DescribeConfigs']).toContain(op);
    }
    const user = manifestNamed<any>(source, 'KafkaUser', sourceUser.userName);
    expect(user.spec.authentication).toEqual({
      type: 'scram-sha-512',
      password: { valueFrom: { secretKeyRef: { name: `${sourceUser.userName}-password`, key: 'password' } } },
    });
    // The password reaches the cluster only as a Pulumi secret.
    const secret = rawInputs(source, 'Secret', `${sourceUser.userName}-password`) as any;
    expect(isSecretInput(secret.stringData.password) || isSecretInput(secret.stringData)).toBe(true);
  });

  it('gives the target user the remote topics and its own internals only', () => {
    const acls = aclsOf(target, 'sp-mm2-0b6c2f6e9d1a');
    const topics = acls
      .filter((acl) => acl.resource.type === 'topic')
      .map((acl) => `${acl.resource.patternType}:${acl.resource.name}`);
    expect(topics).toEqual([
      'prefix:eu-primary.',
      'literal:sp-mm2-0b6c2f6e9d1a-configs',
      'literal:sp-mm2-0b6c2f6e9d1a-offsets',
      'literal:sp-mm2-0b6c2f6e9d1a-status',
      'literal:heartbeats',
      'literal:mm2-offset-syncs.eu-primary.internal',
      'literal:mm2-offset-syncs.us-standby.internal',
    ]);
    const groups = acls
      .filter((acl) => acl.resource.type === 'group')
      .map((acl) => `${acl.resource.patternType}:${acl.resource.name}`);
    expect(groups).toEqual(['literal:sp-mm2-0b6c2f6e9d1a', 'prefix:billing-']);
    for (const acl of acls) {
      expect(['topic', 'group']).toContain(acl.resource.type);
      expect(acl.resource.name).not.toBe('*');
      expect(acl.operations).not.toContain('Delete');
      expect(acl.operations).not.toContain('All');
    }
    // Identity naming: the remote topics are the source's names, never a wildcard.
    const identityTopics = aclsOf(identity, 'sp-mm2-0b6c2f6e9d1a')
      .filter((acl) => acl.resource.type === 'topic')
      .map((acl) => `${acl.resource.patternType}:${acl.resource.name}`);
    expect(identityTopics.slice(0, 2)).toEqual(['literal:orders', 'prefix:payments.']);
    expect(identityTopics).toContain('literal:eu-primary.checkpoints.internal');
  });

  it('mirrors from the source external listener with its CA and user, prefixed so two ways cannot loop', () => {
    const mm2 = manifestNamed<any>(target, 'KafkaMirrorMaker2', 'sp-mm2-0b6c2f6e9d1a');
    const [only] = mm2.spec.mirrors;
    expect(only.source).toMatchObject({
      alias: 'eu-primary',
      bootstrapServers: 'eu-primary-bootstrap.example.invalid:9094',
      tls: { trustedCertificates: [{ secretName: 'sp-mm2-0b6c2f6e9d1a-source-ca', certificate: 'ca.crt' }] },
      authentication: { type: 'scram-sha-512', username: 'sp-mirror-0b6c2f6e9d1a-src' },
    });
    expect(only.sourceConnector.config['replication.policy.class']).toBe(
      'org.apache.kafka.connect.mirror.DefaultReplicationPolicy',
    );
    expect(only.sourceConnector.config['offset-syncs.topic.location']).toBe('target');
    expect(only.checkpointConnector.config['sync.group.offsets.enabled']).toBe('true');
    expect(only.sourceConnector.state).toBe('running');
    expect(mm2.spec.target.authentication.type).toBe('scram-sha-512');
    expect(new RegExp(`^(${only.topicsPattern})$`).test('payments.eu')).toBe(true);
    expect(new RegExp(`^(${only.topicsPattern})$`).test('ordersX')).toBe(false);

    const paused = manifestNamed<any>(targetMtls, 'KafkaMirrorMaker2', 'sp-mm2-0b6c2f6e9d1a');
    expect(paused.spec.mirrors[0].sourceConnector.state).toBe('paused');
    expect(paused.spec.mirrors[0].checkpointConnector.state).toBe('paused');
    expect(paused.spec.target.authentication).toEqual({
      type: 'tls',
      certificateAndKey: { secretName: 'sp-mm2-0b6c2f6e9d1a', certificate: 'user.crt', key: 'user.key' },
    });
    const identityMm2 = manifestNamed<any>(identity, 'KafkaMirrorMaker2', 'sp-mm2-0b6c2f6e9d1a');
    expect(identityMm2.spec.mirrors[0].sourceConnector.config['replication.policy.class']).toBe(
      'org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
    );
  });

  it('alerts in the target cluster when mirroring lags or checkpoints go stale', () => {
    const [rule] = manifestsOfKind(target, 'PrometheusRule').filter(
      (r) => r.metadata.name === 'sp-mm2-0b6c2f6e9d1a-alerts',
    ) as any[];
    const alerts = rule.spec.groups[0].rules.map((r: { alert: string }) => r.alert);
    expect(alerts).toEqual([
      'ReplicationLagHigh',
      'ReplicationRecordAgeHigh',
      'ReplicationCheckpointStale',
      'ReplicationMetricsAbsent',
    ]);
    expect(rule.spec.groups[0].rules[0].expr).toContain('> 60000');
    expect(rule.spec.groups[0].rules[2].expr).toContain('> 300000');
    expect(rule.metadata.labels.release).toBe('kube-prometheus-stack');
  });

  it('refuses a source on a cluster whose clients authenticate with mTLS only', async () => {
    await expect(
      build(
        makeSpec('aws', { clientAuthentication: 'mtls', listeners: { internal: true, external: true } }),
        {
          sourceUsers: [sourceUser],
          mirrors: [],
        },
      ),
    ).rejects.toThrow(/SCRAM-SHA-512/);
  });

  it('turns selections into anchored-safe regexes', () => {
    expect(patternRegex({ name: 'a.b-c', patternType: 'literal' })).toBe('a\\.b\\-c');
    expect(patternRegex({ name: 'a.', patternType: 'prefix' })).toBe('a\\..*');
    expect(patternRegex({ name: '*', patternType: 'literal' })).toBe('.*');
  });
});

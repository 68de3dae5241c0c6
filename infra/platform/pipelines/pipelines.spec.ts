import * as pulumi from '@pulumi/pulumi';
import type { ClientAuthentication, Cloud } from '@streamplane/deployment-spec';
import type { PipelineWorkload } from '../../types';
import { recordingMocks, type RecordedResource } from '../../cloud/mock-recorder';
import { buildUnderMocks } from '../../cloud/testing';
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
import { makeAuditPipeline, makeOrdersPipeline } from '../testing/pipeline-fixtures';
import { SchemaValidator } from '../testing/schema-validator';
import { DNS_1123_LABEL, kafkaTopicObjectName, stageObjectName } from './names';

// Mocks first: the components are imported only after this (see beforeAll), as Pulumi's testing guide asks.
const recording = recordingMocks(kubernetesMockResourceState, (args) => args.inputs);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'unit', false);

interface Scenario {
  title: string;
  auth: ClientAuthentication;
  resources: RecordedResource[];
  /** `retainOnDelete` as each resource was registered, by logical name. */
  retainOnDelete: Map<string, boolean | undefined>;
  pipelines: PipelineWorkload[];
}

const SCENARIOS: { title: string; cloud: Cloud; auth: ClientAuthentication }[] = [
  { title: 'azure, scram-sha-512', cloud: 'azure', auth: 'scram-sha-512' },
  { title: 'aws, mtls', cloud: 'aws', auth: 'mtls' },
];
const scenarios: Scenario[] = [];
const validator = new SchemaValidator();

/** The kinds a pipeline is made of. */
const PIPELINE_KINDS = [
  'KafkaTopic',
  'KafkaUser',
  'ConfigMap',
  'Secret',
  'Deployment',
  'NetworkPolicy',
  'ScaledObject',
  'TriggerAuthentication',
];

async function buildPlatform(
  index: number,
  cloud: Cloud,
  auth: ClientAuthentication,
  pipelines: PipelineWorkload[],
) {
  const k8s = await import('@pulumi/kubernetes');
  const { KafkaPlatform } = await import('../platform');
  const retainOnDelete = new Map<string, boolean | undefined>();
  const spec = makeSpec(cloud, { clientAuthentication: auth });
  const built = await buildUnderMocks(recording, () => {
    const provider = new k8s.Provider(`pipelines-k8s-${index}`, { kubeconfig: 'kubeconfig' });
    return new KafkaPlatform(
      `pipelines-${index}`,
      { ...makePlatformArgs(spec), pipelines },
      {
        provider,
        // Children inherit it: sees every resource's options as registered.
        transformations: [
          (args) => {
            retainOnDelete.set(args.name, args.opts.retainOnDelete);
            return undefined;
          },
        ],
      },
    );
  });
  return { resources: built.resources, retainOnDelete };
}

beforeAll(async () => {
  for (const [index, definition] of SCENARIOS.entries()) {
    const pipelines = [makeOrdersPipeline(), makeAuditPipeline()];
    const built = await buildPlatform(index, definition.cloud, definition.auth, pipelines);
    scenarios.push({ ...definition, ...built, pipelines });
  }
}, 60_000);

const each = (name: string, test: (scenario: Scenario) => Promise<void> | void) =>
  it.each(SCENARIOS.map((definition) => [definition.title]))(`${name} (%s)`, async (title) => {
    const scenario = scenarios.find((candidate) => candidate.title === title);
    if (!scenario) throw new Error(`scenario ${title} was not built`);
    await test(scenario);
  });

/** Objects labelled as part of a pipeline. */
const pipelineObjects = (resources: RecordedResource[], pipeline?: string): Manifest[] =>
  manifests(resources).filter((manifest) =>
    pipeline === undefined
      ? manifest.metadata.labels?.['streamplane.io/pipeline'] !== undefined
      : manifest.metadata.labels?.['streamplane.io/pipeline'] === pipeline,
  );

const userOf = (resources: RecordedResource[], pipeline: string, stage: string) =>
  manifestNamed<any>(resources, 'KafkaUser', stageObjectName(pipeline, stage));

describe('schemas', () => {
  each('every object of every pipeline validates against the shared schemas', ({ resources }) => {
    const objects = pipelineObjects(resources);
    expect(new Set(objects.map((object) => object.kind))).toEqual(new Set(PIPELINE_KINDS));
    const violations = objects
      .map((object) => ({
        object: `${object.kind}/${object.metadata.name}`,
        errors: validator.validate(object),
      }))
      .filter((result) => result.errors.length > 0);
    expect(violations).toEqual([]);
  });

  each(
    'KEDA never gets a minimum above the maximum (a CEL rule the validator cannot run)',
    ({ resources }) => {
      for (const scaled of manifestsOfKind(resources, 'ScaledObject') as any[]) {
        expect(scaled.spec.minReplicaCount).toBeLessThanOrEqual(scaled.spec.maxReplicaCount);
      }
    },
  );

  it('the validator catches a misspelt KEDA field and a wrong ACL operation (it can fail)', () => {
    const [scenario] = scenarios;
    const scaled = structuredClone(manifestsOfKind(scenario.resources, 'ScaledObject')[0]) as any;
    scaled.spec.maxReplicas = 3;
    expect(validator.validate(scaled)).toEqual(['/spec must NOT have additional properties (maxReplicas)']);
    const user = structuredClone(userOf(scenario.resources, 'orders', 'clean'));
    user.spec.authorization.acls[0].operations = ['Consume'];
    expect(validator.validate(user)).toEqual([
      '/spec/authorization/acls/0/operations/0 must be equal to one of the allowed values',
    ]);
  });
});

describe('topics', () => {
  each(
    'one KafkaTopic per topic, with its real name, partitions, replicas, retention and cleanup',
    (scenario) => {
      const topics = manifestsOfKind(scenario.resources, 'KafkaTopic') as any[];
      const expected = scenario.pipelines.flatMap((pipeline) => pipeline.topics);
      expect(topics.map((topic) => topic.spec.topicName).sort()).toEqual(
        expected.map((topic) => topic.topicName).sort(),
      );
      for (const topic of expected) {
        const object = topics.find((candidate) => candidate.spec.topicName === topic.topicName);
        expect(object.metadata.name).toBe(kafkaTopicObjectName(topic.topicName));
        expect(object.metadata.namespace).toBe('kafka');
        expect(object.metadata.labels['strimzi.io/cluster']).toBe('streamplane');
        expect(object.spec).toEqual({
          topicName: topic.topicName,
          partitions: topic.partitions,
          replicas: topic.replicas,
          config: { 'retention.ms': topic.retentionMs, 'cleanup.policy': topic.cleanupPolicy },
        });
      }
    },
  );

  each(
    'retainOnDelete follows the workload: kept topics outlive the pipeline',
    ({ resources, retainOnDelete }) => {
      const optionOf = (topicName: string) => {
        const registered = resources.find(
          (resource) => (resource.inputs.spec as { topicName?: string } | undefined)?.topicName === topicName,
        );
        if (!registered) throw new Error(`no KafkaTopic for ${topicName}`);
        return retainOnDelete.get(registered.name);
      };
      expect(optionOf('orders.ingest')).toBe(true);
      expect(optionOf('orders.validate.dead-letter')).toBe(true);
      expect(optionOf('audit_events')).toBe(false);
      // Nothing else is retained: users, runners and settings go with the pipeline.
      const retained = resources.filter((resource) => retainOnDelete.get(resource.name) === true);
      expect(new Set(retained.map((resource) => (resource.inputs as Manifest).kind))).toEqual(
        new Set(['KafkaTopic']),
      );
    },
  );
});

describe('ACLs', () => {
  /** Every (resource, operation) a pipeline's users are granted, and which stage it was granted to. */
  function grantsOf(resources: RecordedResource[], pipeline: PipelineWorkload) {
    return pipeline.stages.flatMap((stage) =>
      (userOf(resources, pipeline.name, stage.name).spec.authorization.acls as any[]).flatMap((acl) =>
        (acl.operations as string[]).map((operation) => ({
          stage,
          type: acl.resource.type as string,
          name: acl.resource.name as string,
          patternType: acl.resource.patternType as string,
          allow: (acl.type ?? 'allow') as string,
          host: (acl.host ?? '*') as string,
          operation,
        })),
      ),
    );
  }

  /** Why a grant is beyond what its stage needs (null when it is exactly the stage's own). */
  function excess(grant: ReturnType<typeof grantsOf>[number]): string | null {
    const { stage } = grant;
    const label = `${stage.name}: ${grant.operation} on ${grant.type} ${grant.name}`;
    if (grant.patternType !== 'literal' || grant.name.includes('*')) return `${label} is not literal`;
    if (grant.allow !== 'allow' || grant.host !== '*') return `${label} is not a plain allow`;
    if (grant.type === 'topic') {
      if (grant.operation === 'Read' && stage.readTopics.includes(grant.name)) return null;
      if (grant.operation === 'Write' && stage.writeTopics.includes(grant.name)) return null;
      if (grant.operation === 'Describe' && [...stage.readTopics, ...stage.writeTopics].includes(grant.name))
        return null;
    }
    if (grant.type === 'group' && grant.operation === 'Read' && grant.name === stage.consumerGroup)
      return null;
    return `${label} is beyond the stage's own topics and group`;
  }

  each(
    "the union of a pipeline's ACLs grants nothing beyond each stage's own topics and group",
    (scenario) => {
      for (const pipeline of scenario.pipelines) {
        const grants = grantsOf(scenario.resources, pipeline);
        expect(grants.map(excess).filter(Boolean)).toEqual([]);
        expect(grants.some((grant) => grant.type === 'cluster' || grant.operation === 'Create')).toBe(false);
        // And everything the stages need is there.
        for (const stage of pipeline.stages) {
          const has = (type: string, name: string, operation: string) =>
            grants.some(
              (g) => g.stage === stage && g.type === type && g.name === name && g.operation === operation,
            );
          for (const topic of stage.readTopics) expect(has('topic', topic, 'Read')).toBe(true);
          for (const topic of stage.writeTopics) expect(has('topic', topic, 'Write')).toBe(true);
          if (stage.consumerGroup) expect(has('group', stage.consumerGroup, 'Read')).toBe(true);
        }
      }
    },
  );

  each("a stage cannot read another stage's input nor join its group", (scenario) => {
    for (const pipeline of scenario.pipelines) {
      const grants = grantsOf(scenario.resources, pipeline);
      for (const stage of pipeline.stages) {
        for (const other of pipeline.stages.filter((candidate) => candidate !== stage)) {
          const own = (g: (typeof grants)[number]) => g.stage === stage;
          if (other.inputTopic && other.inputTopic !== stage.inputTopic) {
            expect(
              grants.filter(own).some((g) => g.name === other.inputTopic && g.operation === 'Read'),
            ).toBe(false);
          }
          if (other.consumerGroup) {
            expect(grants.filter(own).some((g) => g.type === 'group' && g.name === other.consumerGroup)).toBe(
              false,
            );
          }
        }
      }
    }
  });

  it('the excess check flags a widened ACL (it can fail)', () => {
    const [scenario] = scenarios;
    const [pipeline] = scenario.pipelines;
    const clean = pipeline.stages[1];
    const grant = grantsOf(scenario.resources, pipeline).find((candidate) => candidate.stage === clean)!;
    expect(excess(grant)).toBeNull();
    expect(excess({ ...grant, patternType: 'prefix' })).toMatch(/not literal/);
    expect(excess({ ...grant, type: 'topic', name: 'orders.Validated', operation: 'Read' })).toMatch(
      /beyond/,
    );
    expect(excess({ ...grant, type: 'group', name: 'sp-orders-store', operation: 'Read' })).toMatch(/beyond/);
    expect(excess({ ...grant, type: 'cluster', name: 'kafka-cluster', operation: 'Describe' })).toMatch(
      /beyond/,
    );
  });

  each('each stage user authenticates like the listeners', (scenario) => {
    const expected = scenario.auth === 'mtls' ? 'tls' : 'scram-sha-512';
    for (const user of manifestsOfKind(scenario.resources, 'KafkaUser') as any[]) {
      expect(user.spec.authentication).toEqual({ type: expected });
    }
  });
});

describe('stage runners', () => {
  const deploymentOf = (resources: RecordedResource[], pipeline: string, stage: string) =>
    manifestNamed<any>(resources, 'Deployment', stageObjectName(pipeline, stage));

  each(
    'run hardened: non-root, read-only root, no escalation, no capabilities, limits, probes',
    ({ resources }) => {
      for (const deployment of pipelineObjects(resources).filter((o) => o.kind === 'Deployment') as any[]) {
        const pod = deployment.spec.template.spec;
        expect(pod.automountServiceAccountToken).toBe(false);
        expect(pod.securityContext).toMatchObject({
          runAsNonRoot: true,
          seccompProfile: { type: 'RuntimeDefault' },
        });
        expect(pod.containers).toHaveLength(1);
        const [container] = pod.containers;
        expect(container.image).toBe('streamplane/pipeline-runner:0.1.0');
        expect(container.securityContext).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          privileged: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.resources.requests).toMatchObject({
          cpu: expect.any(String),
          memory: expect.any(String),
        });
        expect(container.resources.limits).toMatchObject({
          cpu: expect.any(String),
          memory: expect.any(String),
        });
        expect(container.livenessProbe.httpGet.path).toBe('/healthz');
        expect(container.readinessProbe.httpGet.path).toBe('/readyz');
        expect(deployment.spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
        // The Kafka listener admits exactly the pods carrying this label, besides the agent.
        expect(deployment.spec.template.metadata.labels['streamplane.io/role']).toBe('pipeline-stage');
      }
    },
  );

  each(
    'get the bootstrap address, their topics and group, and credentials from the KafkaUser Secret',
    (scenario) => {
      const { resources } = scenario;
      const user = stageObjectName('orders', 'clean');
      const env = deploymentOf(resources, 'orders', 'clean').spec.template.spec.containers[0].env as any[];
      const value = (name: string) => env.find((variable) => variable.name === name);
      expect(value('KAFKA_BOOTSTRAP_SERVERS').value).toBe('streamplane-kafka-bootstrap.kafka.svc:9093');
      expect(value('KAFKA_INPUT_TOPIC').value).toBe('orders.ingest');
      expect(value('KAFKA_OUTPUT_TOPIC').value).toBe('orders.clean_v1');
      expect(value('KAFKA_CONSUMER_GROUP').value).toBe('sp-orders-clean');
      expect(value('STREAMPLANE_STAGE_CONFIG_FILE').value).toBe('/etc/streamplane/stage/stage.json');
      const volumes = deploymentOf(resources, 'orders', 'clean').spec.template.spec.volumes as any[];
      if (scenario.auth === 'mtls') {
        expect(value('KAFKA_SECURITY_PROTOCOL').value).toBe('SSL');
        expect(value('KAFKA_SASL_PASSWORD')).toBeUndefined();
        expect(volumes.find((volume) => volume.name === 'kafka-user').secret.secretName).toBe(user);
      } else {
        expect(value('KAFKA_SECURITY_PROTOCOL').value).toBe('SASL_SSL');
        expect(value('KAFKA_SASL_USERNAME').value).toBe(user);
        expect(value('KAFKA_SASL_PASSWORD').valueFrom).toEqual({
          secretKeyRef: { name: user, key: 'password' },
        });
      }
      expect(volumes.find((volume) => volume.name === 'kafka-cluster-ca').secret.secretName).toBe(
        'streamplane-cluster-ca-cert',
      );
    },
  );

  each(
    'take their config from a ConfigMap and secret settings from a Secret only when given',
    ({ resources }) => {
      const orders = makeOrdersPipeline();
      const configMap = manifestNamed<any>(
        resources,
        'ConfigMap',
        `${stageObjectName('orders', 'validate')}-config`,
      );
      expect(JSON.parse(configMap.data['stage.json'])).toEqual(orders.stages[2].config);

      const secretName = `${stageObjectName('orders', 'store')}-env`;
      const secret = manifestNamed<any>(resources, 'Secret', secretName);
      expect(secret.stringData).toEqual({
        POSTGRES_CONNECTION_STRING: 'postgres://writer:pw@db.example.com:5432/shop',
      });
      // A Pulumi secret even though the workload passed the value in plain text.
      expect(isSecretInput(rawInputs(resources, 'Secret', secretName).stringData)).toBe(true);
      const env = deploymentOf(resources, 'orders', 'store').spec.template.spec.containers[0].env as any[];
      expect(env.find((variable) => variable.name === 'POSTGRES_CONNECTION_STRING').valueFrom).toEqual({
        secretKeyRef: { name: secretName, key: 'POSTGRES_CONNECTION_STRING' },
      });
      // The filter and validate stages have no secret settings: no Secret.
      const secrets = pipelineObjects(resources, 'orders').filter((object) => object.kind === 'Secret');
      expect(secrets.map((object) => object.metadata.name).sort()).toEqual(
        [`${stageObjectName('orders', 'ingest')}-env`, secretName].sort(),
      );
    },
  );
});

describe('updates', () => {
  const revisionOf = (resources: RecordedResource[], stage: string) =>
    manifestNamed<any>(resources, 'Deployment', stageObjectName('orders', stage)).spec.template.metadata
      .annotations['streamplane.io/settings-revision'];

  it('a changed setting rolls only its stage; the same settings give the same pod template', async () => {
    const base = await buildPlatform(50, 'azure', 'scram-sha-512', [makeOrdersPipeline()]);
    const same = await buildPlatform(51, 'azure', 'scram-sha-512', [makeOrdersPipeline()]);
    const changed = makeOrdersPipeline();
    changed.stages[1].config = { match: 'any', predicates: [] };
    changed.stages[3].secretEnv = {
      POSTGRES_CONNECTION_STRING: 'postgres://writer:new@db.example.com:5432/shop',
    };
    const updated = await buildPlatform(52, 'azure', 'scram-sha-512', [changed]);

    for (const stage of ['ingest', 'clean', 'validate', 'store']) {
      expect(revisionOf(same.resources, stage)).toBe(revisionOf(base.resources, stage));
    }
    expect(revisionOf(updated.resources, 'clean')).not.toBe(revisionOf(base.resources, 'clean'));
    expect(revisionOf(updated.resources, 'store')).not.toBe(revisionOf(base.resources, 'store'));
    expect(revisionOf(updated.resources, 'validate')).toBe(revisionOf(base.resources, 'validate'));
  });
});

describe('autoscaling and pause', () => {
  each(
    "each consuming stage scales on its group's lag on its input topic, as its own KafkaUser",
    (scenario) => {
      const { resources } = scenario;
      const scaled = manifestsOfKind(resources, 'ScaledObject') as any[];
      const consuming = scenario.pipelines.flatMap((pipeline) =>
        pipeline.stages.filter((stage) => stage.consumerGroup).map((stage) => ({ pipeline, stage })),
      );
      expect(scaled.map((object) => object.metadata.name).sort()).toEqual(
        consuming.map(({ pipeline, stage }) => stageObjectName(pipeline.name, stage.name)).sort(),
      );
      for (const { pipeline, stage } of consuming) {
        const name = stageObjectName(pipeline.name, stage.name);
        const object = manifestNamed<any>(resources, 'ScaledObject', name);
        expect(object.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name });
        expect(object.spec.minReplicaCount).toBe(stage.scaling.minReplicas);
        expect(object.spec.maxReplicaCount).toBe(stage.scaling.maxReplicas);
        const [trigger] = object.spec.triggers;
        expect(trigger.type).toBe('kafka');
        expect(trigger.metadata).toMatchObject({
          bootstrapServers: 'streamplane-kafka-bootstrap.kafka.svc:9093',
          consumerGroup: stage.consumerGroup,
          topic: stage.inputTopic,
          lagThreshold: String(stage.scaling.lagThreshold),
        });
        expect(trigger.authenticationRef).toEqual({ name });

        const auth = manifestNamed<any>(resources, 'TriggerAuthentication', name);
        const secretRefs = Object.fromEntries(
          (auth.spec.secretTargetRef as any[]).map((ref) => [ref.parameter, `${ref.name}/${ref.key}`]),
        );
        const configRefs = Object.fromEntries(
          (auth.spec.configMapTargetRef as any[]).map((ref) => [ref.parameter, ref.key]),
        );
        const configMap = manifestNamed<any>(resources, 'ConfigMap', `${name}-config`);
        const parameter = (key: string) => configMap.data[configRefs[key]];
        expect(secretRefs.ca).toBe('streamplane-cluster-ca-cert/ca.crt');
        expect(parameter('tls')).toBe('enable');
        if (scenario.auth === 'mtls') {
          expect(secretRefs).toMatchObject({ cert: `${name}/user.crt`, key: `${name}/user.key` });
        } else {
          expect(secretRefs.password).toBe(`${name}/password`);
          expect(parameter('sasl')).toBe('scram_sha512');
          expect(parameter('username')).toBe(name);
        }
      }
    },
  );

  each(
    'a running pipeline leaves consumers to KEDA and runs its sources at their minimum',
    ({ resources }) => {
      const replicasOf = (stage: string) =>
        manifestNamed<any>(resources, 'Deployment', stageObjectName('orders', stage)).spec.replicas;
      expect(replicasOf('ingest')).toBe(1);
      for (const stage of ['clean', 'validate', 'store']) expect(replicasOf(stage)).toBeUndefined();
      for (const object of pipelineObjects(resources, 'orders').filter((o) => o.kind === 'ScaledObject')) {
        expect(object.metadata.annotations?.['autoscaling.keda.sh/paused-replicas']).toBeUndefined();
      }
    },
  );

  each('a paused pipeline runs no pod and KEDA holds it at 0', ({ resources }) => {
    const objects = pipelineObjects(resources, 'audit');
    const deployments = objects.filter((object) => object.kind === 'Deployment') as any[];
    expect(deployments).toHaveLength(2);
    for (const deployment of deployments) expect(deployment.spec.replicas).toBe(0);
    const scaled = objects.filter((object) => object.kind === 'ScaledObject');
    expect(scaled).toHaveLength(1);
    expect(scaled[0].metadata.annotations).toEqual({ 'autoscaling.keda.sh/paused-replicas': '0' });
    // Topics and users stay while paused.
    expect(objects.filter((object) => object.kind === 'KafkaTopic')).toHaveLength(1);
    expect(objects.filter((object) => object.kind === 'KafkaUser')).toHaveLength(2);
  });
});

describe('network policies', () => {
  const policyOf = (resources: RecordedResource[], pipeline: string, stage: string) =>
    manifestNamed<any>(resources, 'NetworkPolicy', stageObjectName(pipeline, stage));
  const ports = (rules: any[]) =>
    rules.flatMap((rule) => (rule.ports as any[]).map((port) => `${port.protocol}/${port.port}`));

  each(
    'stages reach the brokers and DNS, and leave the cluster only on the ports of their kind',
    ({ resources }) => {
      const external = (pipeline: string, stage: string) => {
        const policy = policyOf(resources, pipeline, stage);
        expect(policy.spec.policyTypes).toEqual(['Ingress', 'Egress']);
        expect(policy.spec.podSelector.matchLabels).toEqual({
          'streamplane.io/pipeline': pipeline,
          'streamplane.io/stage': stage,
        });
        const [brokers, dns, ...rest] = policy.spec.egress as any[];
        expect(brokers).toEqual({
          to: [
            {
              podSelector: {
                matchLabels: { 'strimzi.io/cluster': 'streamplane', 'strimzi.io/broker-role': 'true' },
              },
            },
          ],
          ports: [{ protocol: 'TCP', port: 9093 }],
        });
        expect(ports([dns])).toEqual(['UDP/53', 'TCP/53']);
        return ports(rest);
      };
      expect(external('orders', 'ingest')).toEqual(['TCP/1883', 'TCP/8883']);
      expect(external('orders', 'clean')).toEqual([]);
      expect(external('orders', 'validate')).toEqual([]);
      expect(external('orders', 'store')).toEqual(['TCP/5432']);
      expect(external('audit', 'receive')).toEqual([]);
      expect(external('audit', 'forward')).toEqual(['TCP/443']);
    },
  );

  each('only an HTTP source admits traffic, from ingress-nginx on its HTTP port', ({ resources }) => {
    expect(policyOf(resources, 'orders', 'clean').spec.ingress).toEqual([]);
    const [rule] = policyOf(resources, 'audit', 'receive').spec.ingress;
    expect(rule.from[0].namespaceSelector.matchLabels).toEqual({
      'kubernetes.io/metadata.name': 'ingress-nginx',
    });
    expect(ports([rule])).toEqual(['TCP/8080']);
  });

  each("the Kafka listener admits the stage runners' pods", ({ resources }) => {
    const kafka = manifestNamed<any>(resources, 'Kafka', 'streamplane');
    const peers = kafka.spec.kafka.listeners[0].networkPolicyPeers as any[];
    const pods = manifestNamed<any>(resources, 'Deployment', stageObjectName('orders', 'clean')).spec.template
      .metadata.labels;
    expect(
      peers.some(
        (peer) =>
          peer.podSelector && Object.entries(peer.podSelector.matchLabels).every(([k, v]) => pods[k] === v),
      ),
    ).toBe(true);
  });
});

describe('names', () => {
  it('topic object names are DNS-1123 labels, distinct for distinct topics, and stable', () => {
    const topics = ['orders.raw', 'orders_raw', 'Orders.raw', 'orders-raw', '_', `x.${'y'.repeat(247)}`];
    const names = topics.map(kafkaTopicObjectName);
    for (const name of names) {
      expect(name).toMatch(DNS_1123_LABEL);
      expect(name.length).toBeLessThanOrEqual(63);
    }
    expect(new Set(names).size).toBe(topics.length);
    // Fixed values: a change would rename every KafkaTopic of every running pipeline.
    expect(kafkaTopicObjectName('orders.clean_v1')).toBe('orders-clean-v1-7f4e08e6');
    expect(stageObjectName('orders', 'clean')).toBe('orders-clean-c30fb31a');
  });

  it('stage object names are unambiguous, short enough for their suffixes, and stable', () => {
    expect(stageObjectName('a-b', 'c')).not.toBe(stageObjectName('a', 'b-c'));
    const long = stageObjectName('p'.repeat(40), 's'.repeat(30));
    expect(long).toMatch(DNS_1123_LABEL);
    expect(`${long}-config`.length).toBeLessThanOrEqual(63);
    expect(stageObjectName('orders', 'clean')).toBe(stageObjectName('orders', 'clean'));
  });
});

describe('invalid workloads', () => {
  const build = (pipelines: PipelineWorkload[]) => buildPlatform(90, 'azure', 'scram-sha-512', pipelines);

  it.each<[string, () => PipelineWorkload[], RegExp]>([
    [
      'a topic declared by two pipelines',
      () => [makeOrdersPipeline(), makeAuditPipeline({ topics: makeOrdersPipeline().topics.slice(0, 1) })],
      /topic orders\.ingest is already declared by pipeline orders/,
    ],
    [
      'a wildcard consumer group',
      () => {
        const pipeline = makeOrdersPipeline();
        pipeline.stages[1].consumerGroup = '*';
        return [pipeline];
      },
      /consumer group "\*" is not a plain name/,
    ],
    [
      "a secret setting overriding the runner's own variables",
      () => {
        const pipeline = makeOrdersPipeline();
        pipeline.stages[3].secretEnv = { KAFKA_SASL_PASSWORD: 'x' };
        return [pipeline];
      },
      /KAFKA_SASL_PASSWORD uses a reserved prefix/,
    ],
    [
      'an input topic the stage may not read',
      () => {
        const pipeline = makeOrdersPipeline();
        pipeline.stages[2].readTopics = [];
        return [pipeline];
      },
      /input topic orders\.clean_v1 is not among the topics it may read/,
    ],
  ])('stops the run before any Kubernetes object is registered: %s', async (_title, pipelines, message) => {
    await expect(build(pipelines())).rejects.toThrow(message);
    expect(recording.resources.filter((resource) => resource.type.startsWith('kubernetes:'))).toEqual([]);
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as pulumi from '@pulumi/pulumi';
import type { Cloud, DeploymentSpec } from '@streamplane/deployment-spec';
import { recordingMocks, type RecordedResource } from '../cloud/mock-recorder';
import { buildUnderMocks, resolve } from '../cloud/testing';
import { kubernetesMockResourceState } from './mocks';
import {
  TEST_AGENT_TOKEN,
  helmRelease,
  helmReleases,
  isSecretInput,
  makePlatformArgs,
  makeSpec,
  manifestNamed,
  manifests,
  manifestsOfKind,
  rawInputs,
  type Manifest,
} from './testing/platform-fixtures';
import { SHARED_SCHEMAS, SchemaValidator } from './testing/schema-validator';

// Mocks first: the components are imported only after this (see beforeAll), as Pulumi's testing guide asks.
const providerOf = new Map<string, string | undefined>();
const recording = recordingMocks(
  (args) => {
    providerOf.set(args.name, args.provider);
    return kubernetesMockResourceState(args);
  },
  (args) => args.inputs,
);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'unit', false);

type Platform = import('./platform').KafkaPlatform;

interface Scenario {
  title: string;
  spec: ReturnType<typeof makeSpec>;
  resources: RecordedResource[];
  platform: Platform;
  providerUrn: string;
}

const SCENARIOS: { title: string; cloud: Cloud; overrides: Partial<DeploymentSpec> }[] = [
  { title: 'azure, scram-sha-512, internal only, 3 controllers', cloud: 'azure', overrides: {} },
  {
    title: 'aws, mtls, external listener, 5 controllers, 6 brokers',
    cloud: 'aws',
    overrides: {
      clientAuthentication: 'mtls',
      listeners: { internal: true, external: true },
      controllers: 5,
      brokers: 6,
    },
  },
  {
    title: 'azure, scram-sha-512, external listener, 3 controllers',
    cloud: 'azure',
    overrides: {
      listeners: { internal: true, external: true },
      kafkaVersion: '4.2.1',
      storagePerBrokerGiB: 2000,
    },
  },
];

const scenarios: Scenario[] = [];
const validator = new SchemaValidator();
const supportedVersions = JSON.parse(
  readFileSync(join(SHARED_SCHEMAS, 'strimzi', 'supported-kafka-versions.json'), 'utf8'),
) as { strimziVersion: string; metadataVersions: Record<string, string> };

beforeAll(async () => {
  const k8s = await import('@pulumi/kubernetes');
  const { KafkaPlatform } = await import('./platform');
  for (const [index, definition] of SCENARIOS.entries()) {
    const spec = makeSpec(definition.cloud, definition.overrides);
    const built = await buildUnderMocks(recording, () => {
      const provider = new k8s.Provider(`k8s-${index}`, { kubeconfig: 'kubeconfig' });
      const platform = new KafkaPlatform(`platform-${index}`, makePlatformArgs(spec), { provider });
      return { platform, provider };
    });
    scenarios.push({
      title: definition.title,
      spec,
      resources: built.resources,
      platform: built.result.platform,
      providerUrn: `${await resolve(built.result.provider.urn)}::${await resolve(built.result.provider.id)}`,
    });
  }
}, 60_000);

const each = (name: string, test: (scenario: Scenario) => Promise<void> | void) =>
  it.each(SCENARIOS.map((definition) => [definition.title]))(`${name} (%s)`, async (title) => {
    const scenario = scenarios.find((candidate) => candidate.title === title);
    if (!scenario) throw new Error(`scenario ${title} was not built`);
    await test(scenario);
  });

const kafkaOf = (scenario: Scenario) => manifestNamed<any>(scenario.resources, 'Kafka', 'streamplane');
const poolsOf = (scenario: Scenario) => manifestsOfKind(scenario.resources, 'KafkaNodePool') as any[];

describe('schemas', () => {
  each('every Strimzi object validates against the Strimzi 1.2 CRD schema', ({ resources }) => {
    const strimzi = manifests(resources).filter((manifest) =>
      manifest.apiVersion.startsWith('kafka.strimzi.io/'),
    );
    expect(strimzi.map((manifest) => manifest.kind).sort()).toEqual([
      'Kafka',
      'KafkaNodePool',
      'KafkaNodePool',
      'KafkaUser',
      'KafkaUser',
    ]);
    expect(violations(strimzi)).toEqual([]);
  });

  each('every Kubernetes object with a published schema validates against it', ({ resources }) => {
    const builtIn = manifests(resources).filter(
      (manifest) =>
        !manifest.apiVersion.startsWith('kafka.strimzi.io/') &&
        !manifest.apiVersion.startsWith('monitoring.'),
    );
    const withSchema = builtIn.filter((manifest) => validator.has(manifest.apiVersion, manifest.kind));
    expect(new Set(withSchema.map((manifest) => manifest.kind))).toEqual(
      new Set([
        'Namespace',
        'ConfigMap',
        'Secret',
        'ServiceAccount',
        'Role',
        'RoleBinding',
        'Deployment',
        'NetworkPolicy',
        'Ingress',
      ]),
    );
    expect(violations(withSchema)).toEqual([]);
    // The only kind without a schema in ../shared/schemas/kubernetes; checked field by field below.
    expect(
      builtIn.filter((manifest) => !withSchema.includes(manifest)).map((manifest) => manifest.kind),
    ).toEqual(['StorageClass', 'StorageClass']);
  });

  each(
    'every PodMonitor and PrometheusRule validates against the prometheus-operator 0.93 schema',
    ({ resources }) => {
      const monitoring = manifests(resources).filter(
        (manifest) => manifest.apiVersion === 'monitoring.coreos.com/v1',
      );
      expect(monitoring.map((manifest) => manifest.kind).sort()).toEqual([
        ...Array<string>(5).fill('PodMonitor'),
        'PrometheusRule',
      ]);
      expect(violations(monitoring)).toEqual([]);
    },
  );

  it('the validator rejects a misspelt field and a wrong enum value (it can fail)', () => {
    const kafka = structuredClone(kafkaOf(scenarios[0]));
    kafka.spec.kafka.listeners[0].tsl = true;
    kafka.spec.kafka.authorization.type = 'acl';
    expect(validator.validate(kafka)).toEqual([
      '/spec/kafka/listeners/0 must NOT have additional properties (tsl)',
      '/spec/kafka/authorization/type must be equal to one of the allowed values',
    ]);
  });
});

describe('Kafka', () => {
  each('runs in KRaft mode with one controller pool and one broker pool sized by the spec', (scenario) => {
    const kafka = kafkaOf(scenario);
    expect(kafka.spec.zookeeper).toBeUndefined();
    expect(kafka.spec.kafka.replicas).toBeUndefined();
    expect(kafka.spec.kafka.storage).toBeUndefined();
    const pools = poolsOf(scenario);
    expect(pools.map((pool) => [pool.metadata.name, pool.spec.roles, pool.spec.replicas])).toEqual([
      ['controllers', ['controller'], scenario.spec.controllers],
      ['brokers', ['broker'], scenario.spec.brokers],
    ]);
    for (const pool of pools) expect(pool.metadata.labels['strimzi.io/cluster']).toBe(kafka.metadata.name);
  });

  each('runs the spec Kafka version with its metadata version from Strimzi 1.2', (scenario) => {
    const kafka = kafkaOf(scenario);
    expect(kafka.spec.kafka.version).toBe(scenario.spec.kafkaVersion);
    expect(kafka.spec.kafka.metadataVersion).toBe(
      supportedVersions.metadataVersions[scenario.spec.kafkaVersion],
    );
  });

  each('keeps data safe: RF 3, min ISR 2, no unclean election, no auto-created topics', (scenario) => {
    expect(kafkaOf(scenario).spec.kafka.config).toMatchObject({
      'default.replication.factor': 3,
      'min.insync.replicas': 2,
      'offsets.topic.replication.factor': 3,
      'transaction.state.log.replication.factor': 3,
      'transaction.state.log.min.isr': 2,
      'unclean.leader.election.enable': false,
      'auto.create.topics.enable': false,
    });
  });

  each('is rack aware by zone', (scenario) => {
    expect(kafkaOf(scenario).spec.kafka.rack).toEqual({ topologyKey: 'topology.kubernetes.io/zone' });
  });

  each('has TLS and the spec client authentication on every listener', (scenario) => {
    const listeners = kafkaOf(scenario).spec.kafka.listeners as any[];
    const expectedType = scenario.spec.clientAuthentication === 'mtls' ? 'tls' : 'scram-sha-512';
    expect(listeners.length).toBe(scenario.spec.listeners.external ? 2 : 1);
    for (const listener of listeners) {
      expect(listener.tls).toBe(true);
      expect(listener.authentication).toEqual({ type: expectedType });
    }
    expect(listeners[0]).toMatchObject({ name: 'tls', port: 9093, type: 'internal' });
  });

  each('exposes an external TLS listener through load balancers only when the spec asks', (scenario) => {
    const external = (kafkaOf(scenario).spec.kafka.listeners as any[]).filter(
      (listener) => listener.type !== 'internal',
    );
    expect(external).toEqual(
      scenario.spec.listeners.external
        ? [expect.objectContaining({ name: 'external', port: 9094, type: 'loadbalancer', tls: true })]
        : [],
    );
    // Its load balancers keep idle Kafka connections (Azure: 30 min idle timeout; AWS: NLB, not Classic ELB).
    const template = kafkaOf(scenario).spec.kafka.template;
    if (!scenario.spec.listeners.external) return expect(template).toBeUndefined();
    const expected =
      scenario.spec.cloud === 'azure'
        ? { 'service.beta.kubernetes.io/azure-load-balancer-tcp-idle-timeout': '30' }
        : { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' };
    expect(template.perPodService.metadata.annotations).toMatchObject(expected);
    expect(template.externalBootstrapService.metadata.annotations).toMatchObject(expected);
  });

  each('authorizes with ACLs, the operations user being the only added super user', (scenario) => {
    const principal =
      scenario.spec.clientAuthentication === 'mtls' ? 'CN=streamplane-ops' : 'streamplane-ops';
    expect(kafkaOf(scenario).spec.kafka.authorization).toEqual({ type: 'simple', superUsers: [principal] });
  });

  each('keeps every volume on its claim (deleteClaim false) in the Kafka StorageClass', (scenario) => {
    for (const pool of poolsOf(scenario)) {
      expect(pool.spec.storage.type).toBe('jbod');
      for (const volume of pool.spec.storage.volumes) {
        expect(volume).toMatchObject({
          type: 'persistent-claim',
          deleteClaim: false,
          class: 'streamplane-kafka',
        });
      }
    }
    const [brokers] = poolsOf(scenario).filter((pool) => pool.metadata.name === 'brokers');
    expect(brokers.spec.storage.volumes[0].size).toBe(`${scenario.spec.storagePerBrokerGiB}Gi`);
  });

  each('the Kafka StorageClass retains volumes, binds in the pod zone and can grow', ({ resources }) => {
    const storageClass = manifestNamed<any>(resources, 'StorageClass', 'streamplane-kafka');
    expect(storageClass).toMatchObject({
      apiVersion: 'storage.k8s.io/v1',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
    });
    expect(['disk.csi.azure.com', 'ebs.csi.aws.com']).toContain(storageClass.provisioner);
  });

  each('puts one Kafka pod per Kafka node, spread evenly over three zones', (scenario) => {
    for (const pool of poolsOf(scenario)) {
      const pod = pool.spec.template.pod;
      expect(pod.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toEqual([
        {
          labelSelector: {
            matchLabels: { 'strimzi.io/cluster': 'streamplane', 'strimzi.io/name': 'streamplane-kafka' },
          },
          topologyKey: 'kubernetes.io/hostname',
        },
      ]);
      expect(pod.topologySpreadConstraints).toEqual([
        expect.objectContaining({
          topologyKey: 'topology.kubernetes.io/zone',
          maxSkew: 1,
          whenUnsatisfiable: 'DoNotSchedule',
          minDomains: 3,
          labelSelector: {
            matchLabels: expect.objectContaining({ 'strimzi.io/pool-name': pool.metadata.name }),
          },
        }),
      ]);
    }
  });

  each('schedules Kafka pods only on Kafka nodes of their role, tolerating the Kafka taint', (scenario) => {
    for (const pool of poolsOf(scenario)) {
      const pod = pool.spec.template.pod;
      const role = pool.metadata.name === 'brokers' ? 'broker' : 'controller';
      expect(
        pod.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms,
      ).toEqual([
        {
          matchExpressions: [
            { key: 'streamplane.io/workload', operator: 'In', values: ['kafka'] },
            { key: 'streamplane.io/kafka-role', operator: 'In', values: [role] },
          ],
        },
      ]);
      expect(pod.tolerations).toEqual([
        { key: 'streamplane.io/kafka', operator: 'Equal', value: 'true', effect: 'NoSchedule' },
      ]);
    }
  });

  each('sizes broker and controller pods to fit their nodes, heap well below the memory', (scenario) => {
    for (const pool of poolsOf(scenario)) {
      const memoryGiB = Number(/^(\d+)Gi$/.exec(pool.spec.resources.requests.memory)?.[1]);
      const heapGiB = Number(/^(\d+)g$/.exec(pool.spec.jvmOptions['-Xmx'])?.[1]);
      expect(pool.spec.resources.limits.memory).toBe(pool.spec.resources.requests.memory);
      expect(pool.spec.resources.limits.cpu).toBeUndefined();
      expect(heapGiB).toBeGreaterThanOrEqual(1);
      expect(heapGiB).toBeLessThanOrEqual(memoryGiB / 2);
    }
  });

  each('runs Cruise Control with auto-rebalancing, the entity operator and Kafka Exporter', (scenario) => {
    const spec = kafkaOf(scenario).spec;
    expect(spec.cruiseControl.autoRebalance).toEqual([{ mode: 'add-brokers' }, { mode: 'remove-brokers' }]);
    expect(spec.entityOperator).toEqual({
      topicOperator: expect.any(Object),
      userOperator: expect.any(Object),
    });
    expect(spec.kafkaExporter).toMatchObject({ topicRegex: '.*', groupRegex: '.*' });
  });

  each('exports JMX metrics through the exporter rules ConfigMap', ({ resources }) => {
    const kafka = kafkaOf({ resources } as Scenario);
    const configMap = manifestNamed<any>(resources, 'ConfigMap', 'streamplane-kafka-metrics');
    expect(kafka.spec.kafka.metricsConfig).toEqual({
      type: 'jmxPrometheusExporter',
      valueFrom: { configMapKeyRef: { name: configMap.metadata.name, key: 'kafka-metrics-config.yml' } },
    });
    const rules = JSON.parse(configMap.data['kafka-metrics-config.yml']);
    expect(rules.lowercaseOutputName).toBe(true);
    expect(rules.rules.length).toBeGreaterThan(10);
  });

  each('waits for Strimzi to report the cluster Ready', (scenario) => {
    expect(kafkaOf(scenario).metadata.annotations).toMatchObject({ 'pulumi.com/waitFor': 'condition=Ready' });
  });

  each('gives the agent a KafkaUser that can only describe', (scenario) => {
    const agent = manifestNamed<any>(scenario.resources, 'KafkaUser', 'streamplane-agent');
    const expectedType = scenario.spec.clientAuthentication === 'mtls' ? 'tls' : 'scram-sha-512';
    expect(agent.spec.authentication).toEqual({ type: expectedType });
    expect(agent.spec.authorization.type).toBe('simple');
    const operations = new Set((agent.spec.authorization.acls as any[]).flatMap((acl) => acl.operations));
    expect([...operations].sort()).toEqual(['Describe', 'DescribeConfigs']);
    expect((agent.spec.authorization.acls as any[]).map((acl) => acl.resource.type).sort()).toEqual([
      'cluster',
      'group',
      'topic',
    ]);
  });
});

describe('Helm charts', () => {
  each(
    'the Strimzi operator is pinned to 1.2.x, the version whose schemas the tests use',
    ({ resources }) => {
      const strimzi = helmRelease<any>(resources, 'strimzi-kafka-operator');
      expect(strimzi.version).toMatch(/^1\.2\.\d+$/);
      expect(strimzi.version).toBe(supportedVersions.strimziVersion);
      expect(strimzi.repositoryOpts).toEqual({ repo: 'https://strimzi.io/charts/' });
      expect(strimzi.values.watchNamespaces).toEqual(['kafka']);
      expect(strimzi.values.extraEnvs).toContainEqual({
        name: 'STRIMZI_POD_SECURITY_PROVIDER_CLASS',
        value: 'restricted',
      });
      expect(strimzi.values.generateNetworkPolicy).toBe(true);
      expect(strimzi.values.image.operatorNamespaceLabels).toBe('kubernetes.io/metadata.name=strimzi-system');
    },
  );

  each('every chart is pinned to an exact version from a named repository', ({ resources }) => {
    const releases = helmReleases(resources) as any[];
    expect(releases.map((release) => release.chart).sort()).toEqual([
      'cert-manager',
      'ingress-nginx',
      'keda',
      'kube-prometheus-stack',
      'strimzi-drain-cleaner',
      'strimzi-kafka-operator',
    ]);
    for (const release of releases) {
      expect(release.version).toMatch(/^v?\d+\.\d+\.\d+$/);
      expect(release.repositoryOpts.repo).toMatch(/^https:\/\//);
      expect(release.atomic).toBe(true);
    }
  });

  each('kube-prometheus-stack ships the prometheus-operator whose schemas the tests use', ({ resources }) => {
    const index = JSON.parse(readFileSync(join(SHARED_SCHEMAS, 'prometheus-operator', 'index.json'), 'utf8'));
    // 88.x ships prometheus-operator 0.93.x (see versions.ts); the schemas are 0.93.0.
    expect(JSON.stringify(index)).toContain('v0.93.0');
    expect(helmRelease<any>(resources, 'kube-prometheus-stack').version).toMatch(/^88\./);
  });
});

describe('exposure', () => {
  each('nothing is reachable from outside the cluster without TLS', (scenario) => {
    const { resources } = scenario;
    // Kafka: every listener that leaves the cluster (load balancer, node port, ingress, route) is TLS.
    const kafkaListeners = kafkaOf(scenario).spec.kafka.listeners as any[];
    for (const listener of kafkaListeners.filter((candidate) => candidate.type !== 'internal')) {
      expect(listener.tls).toBe(true);
    }
    // No Service of type LoadBalancer/NodePort is created directly.
    for (const service of manifestsOfKind(resources, 'Service') as any[]) {
      expect(['LoadBalancer', 'NodePort']).not.toContain(service.spec?.type);
    }
    // Helm values: the only externally exposed Service is ingress-nginx's, and it publishes no plain HTTP.
    const exposed = helmReleases(resources).flatMap((release) =>
      exposedServices(release.values).map((path) => `${String(release.chart)}:${path}`),
    );
    expect(exposed).toEqual(['ingress-nginx:controller.service']);
    const ingress = helmRelease<any>(resources, 'ingress-nginx').values;
    expect(ingress.controller.service).toMatchObject({
      type: 'LoadBalancer',
      enableHttp: false,
      enableHttps: true,
    });
    expect(ingress.controller.config['ssl-protocols']).toBe('TLSv1.2 TLSv1.3');
    // TCP passthrough only for TLS ports (MQTT over TLS): nothing in clear text rides through nginx.
    expect(Object.keys(ingress.tcp)).toEqual(['8883']);
    expect(ingress.udp).toBeUndefined();
    // Every Ingress is served with TLS by the nginx class and redirects to HTTPS.
    const ingresses = manifestsOfKind(resources, 'Ingress') as any[];
    expect(ingresses).not.toHaveLength(0);
    for (const candidate of ingresses) {
      expect(candidate.spec.ingressClassName).toBe('nginx');
      expect(candidate.spec.tls?.length).toBeGreaterThan(0);
      expect(candidate.metadata.annotations['nginx.ingress.kubernetes.io/force-ssl-redirect']).toBe('true');
    }
  });

  each(
    'Grafana is served at /grafana/ over HTTPS with a generated admin password in a Secret',
    async (scenario) => {
      expect(await resolve(scenario.platform.grafanaUrl)).toMatch(/^https:\/\/203\.0\.113\.\d+\/grafana\/$/);
      const values = helmRelease<any>(scenario.resources, 'kube-prometheus-stack').values;
      expect(values.grafana.adminPassword).toBeUndefined();
      expect(values.grafana.admin).toEqual({
        existingSecret: 'grafana-admin',
        userKey: 'admin-user',
        passwordKey: 'admin-password',
      });
      const secret = manifestNamed<any>(scenario.resources, 'Secret', 'grafana-admin');
      expect(secret.stringData['admin-password']).toMatch(/^\S{32}$/);
      // A Pulumi secret: encrypted in the state, masked in the CLI.
      expect(isSecretInput(rawInputs(scenario.resources, 'Secret', 'grafana-admin').stringData)).toBe(true);
    },
  );

  each('bootstrap addresses: internal always, external only with the external listener', async (scenario) => {
    expect(await resolve(scenario.platform.bootstrapInternal)).toBe(
      'streamplane-kafka-bootstrap.kafka.svc:9093',
    );
    const external = await resolve(scenario.platform.bootstrapExternal);
    if (scenario.spec.listeners.external) expect(external).toMatch(/^203\.0\.113\.\d+:9094$/);
    else expect(external).toBeNull();
  });
});

describe('network policies', () => {
  each(
    'the Kafka namespace denies ingress by default and lets only Prometheus scrape metrics',
    ({ resources }) => {
      const policies = manifestsOfKind(resources, 'NetworkPolicy') as any[];
      expect(policies.every((policy) => policy.metadata.namespace === 'kafka')).toBe(true);
      const denyAll = policies.find((policy) => policy.metadata.name === 'default-deny-ingress');
      expect(denyAll.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress'] });
      const scrape = policies.find((policy) => policy.metadata.name === 'allow-prometheus-scrape');
      expect(scrape.spec.ingress).toHaveLength(1);
      expect(scrape.spec.ingress[0].from).toEqual([
        {
          namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } },
          podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } },
        },
      ]);
      expect(policies).toHaveLength(2);
    },
  );

  each(
    'only the agent, stage runners, MirrorMaker 2 and Kafka-client namespaces may reach the internal listener',
    (scenario) => {
      const [internal] = kafkaOf(scenario).spec.kafka.listeners as any[];
      expect(internal.networkPolicyPeers).toEqual([
        {
          podSelector: {
            matchLabels: {
              'app.kubernetes.io/name': 'streamplane-agent',
              'app.kubernetes.io/part-of': 'streamplane',
            },
          },
        },
        { podSelector: { matchLabels: { 'streamplane.io/role': 'pipeline-stage' } } },
        { podSelector: { matchLabels: { 'streamplane.io/role': 'mirror-maker-2' } } },
        { namespaceSelector: { matchLabels: { 'streamplane.io/kafka-client': 'true' } } },
      ]);
      // Kafka clients: KEDA (consumer-group lag) and the namespace reserved for pipeline endpoints.
      const clients = manifestsOfKind(scenario.resources, 'Namespace')
        .filter((namespace) => namespace.metadata.labels?.['streamplane.io/kafka-client'] === 'true')
        .map((namespace) => namespace.metadata.name);
      expect(clients.sort()).toEqual(['keda', 'streamplane-pipelines']);
      // No pod of the Kafka namespace but the stage runners carries the stage label.
      const labelled = manifestsOfKind(scenario.resources, 'Deployment').filter(
        (deployment: any) => deployment.spec.template.metadata.labels['streamplane.io/role'] !== undefined,
      );
      expect(labelled).toEqual([]);
      const agentPods = manifestNamed<any>(scenario.resources, 'Deployment', 'streamplane-agent').spec
        .template.metadata.labels;
      expect(agentPods).toMatchObject(internal.networkPolicyPeers[0].podSelector.matchLabels);
    },
  );

  each('the Kafka and operator namespaces enforce the restricted Pod Security Standard', ({ resources }) => {
    for (const name of ['kafka', 'strimzi-system', 'strimzi-drain-cleaner']) {
      expect(manifestNamed<any>(resources, 'Namespace', name).metadata.labels).toMatchObject({
        'pod-security.kubernetes.io/enforce': 'restricted',
      });
    }
  });
});

describe('monitoring', () => {
  each(
    'PodMonitors cover Kafka nodes, Kafka Exporter, the entity operator, Strimzi and ingress-nginx',
    ({ resources }) => {
      const podMonitors = manifestsOfKind(resources, 'PodMonitor') as any[];
      expect(podMonitors.map((monitor) => monitor.metadata.name).sort()).toEqual([
        'ingress-nginx',
        'kafka-exporter',
        'kafka-nodes',
        'strimzi-cluster-operator',
        'strimzi-entity-operator',
      ]);
      for (const monitor of podMonitors) {
        // kube-prometheus-stack's Prometheus only selects monitors carrying its release label.
        expect(monitor.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
      }
      const kafkaNodes = podMonitors.find((monitor) => monitor.metadata.name === 'kafka-nodes');
      expect(kafkaNodes.spec.selector.matchLabels).toEqual({
        'strimzi.io/cluster': 'streamplane',
        'strimzi.io/name': 'streamplane-kafka',
      });
      expect(kafkaNodes.spec.namespaceSelector).toEqual({ matchNames: ['kafka'] });
    },
  );

  each(
    'alerts on under-replicated and offline partitions, lag, filling disks and brokers down',
    (scenario) => {
      const rule = manifestNamed<any>(scenario.resources, 'PrometheusRule', 'kafka-alerts');
      expect(rule.metadata.labels).toEqual({ release: 'kube-prometheus-stack' });
      const alerts = Object.fromEntries(
        (rule.spec.groups as any[])
          .flatMap((group) => group.rules)
          .map((alert: any) => [alert.alert, alert.expr]),
      );
      expect(alerts.KafkaUnderReplicatedPartitions).toMatch(
        /kafka_server_replicamanager_underreplicatedpartitions\{.*\}\) > 0$/,
      );
      expect(alerts.KafkaOfflinePartitions).toMatch(
        /kafka_controller_kafkacontroller_offlinepartitionscount\{.*\}\) > 0$/,
      );
      expect(alerts.KafkaConsumerGroupLag).toMatch(/kafka_consumergroup_lag\{.*\}\) > 10000$/);
      expect(alerts.KafkaVolumeFillingUp).toMatch(
        /predict_linear\(kubelet_volume_stats_available_bytes\{.*\}\[6h\], 24 \* 3600\) < 0/,
      );
      expect(alerts.KafkaBrokerDown).toContain(
        `strimzi_io_pool_name="brokers"} == 1) < ${scenario.spec.brokers}`,
      );
      const majority = Math.floor(scenario.spec.controllers / 2) + 1;
      expect(alerts.KafkaControllerQuorumLost).toContain(
        `strimzi_io_pool_name="controllers"} == 1) < ${majority}`,
      );
    },
  );

  each('ships the Kafka overview dashboard to Grafana', ({ resources }) => {
    const configMap = manifestNamed<any>(resources, 'ConfigMap', 'kafka-overview-dashboard');
    expect(configMap.metadata.labels).toEqual({ grafana_dashboard: '1' });
    const dashboard = JSON.parse(configMap.data['kafka-overview.json']);
    const expressions = (dashboard.panels as any[]).flatMap((panel) =>
      panel.targets.map((target: any) => target.expr),
    );
    for (const metric of [
      'kafka_server_brokertopicmetrics_bytesin_total',
      'kafka_server_replicamanager_underreplicatedpartitions',
      'kafka_consumergroup_lag',
      'kubelet_volume_stats_available_bytes',
    ]) {
      expect(expressions.some((expression) => expression.includes(metric))).toBe(true);
    }
    expect(new Set((dashboard.panels as any[]).map((panel) => panel.id)).size).toBe(dashboard.panels.length);
  });
});

describe('agent', () => {
  const agentDeployment = (scenario: Scenario) =>
    manifestNamed<any>(scenario.resources, 'Deployment', 'streamplane-agent');

  each('runs as non-root with a read-only root filesystem, no capabilities and seccomp', (scenario) => {
    const pod = agentDeployment(scenario).spec.template.spec;
    expect(pod.securityContext).toMatchObject({
      runAsNonRoot: true,
      seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(pod.securityContext.runAsUser).toBeGreaterThan(0);
    expect(pod.containers).toHaveLength(1);
    for (const container of pod.containers) {
      expect(container.securityContext).toMatchObject({
        runAsNonRoot: true,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
        privileged: false,
        capabilities: { drop: ['ALL'] },
      });
      expect(container.resources.limits.memory).toBeDefined();
      expect(container.resources.requests.cpu).toBeDefined();
      for (const probe of ['startupProbe', 'readinessProbe', 'livenessProbe'])
        expect(container[probe]).toBeDefined();
    }
  });

  each('its Role only reads pods, services and Strimzi resources of the Kafka namespace', ({ resources }) => {
    const role = manifestNamed<any>(resources, 'Role', 'streamplane-agent');
    expect(role.metadata.namespace).toBe('kafka');
    const verbs = new Set((role.rules as any[]).flatMap((rule) => rule.verbs));
    expect([...verbs].sort()).toEqual(['get', 'list', 'watch']);
    const readable = (role.rules as any[]).flatMap((rule) => rule.resources);
    expect(readable).not.toContain('secrets');
    expect(readable).toEqual(expect.arrayContaining(['pods', 'services', 'kafkas', 'kafkatopics']));
    expect(manifestsOfKind(resources, 'ClusterRole')).toHaveLength(0);
    const binding = manifestNamed<any>(resources, 'RoleBinding', 'streamplane-agent');
    expect(binding.subjects).toEqual([
      { kind: 'ServiceAccount', name: 'streamplane-agent', namespace: 'kafka' },
    ]);
  });

  each(
    'gets its token from a Secret and its Kafka credentials and CA from Strimzi-managed Secrets',
    (scenario) => {
      const deployment = agentDeployment(scenario);
      const tokenSecret = manifestNamed<any>(scenario.resources, 'Secret', 'streamplane-agent-token');
      expect(tokenSecret.stringData).toEqual({ 'agent.token': TEST_AGENT_TOKEN });
      expect(
        isSecretInput(rawInputs(scenario.resources, 'Secret', 'streamplane-agent-token').stringData),
      ).toBe(true);
      const volumes = Object.fromEntries(
        (deployment.spec.template.spec.volumes as any[]).map((volume) => [
          volume.name,
          volume.secret?.secretName,
        ]),
      );
      expect(volumes).toMatchObject({
        'agent-token': 'streamplane-agent-token',
        'kafka-user': 'streamplane-agent',
        'kafka-cluster-ca': 'streamplane-cluster-ca-cert',
      });
      const env = Object.fromEntries(
        (deployment.spec.template.spec.containers[0].env as any[]).map((variable) => [
          variable.name,
          variable.value,
        ]),
      );
      expect(env).toMatchObject({
        STREAMPLANE_CONTROL_PLANE_URL: 'https://api.streamplane.example',
        KAFKA_BOOTSTRAP_SERVERS: 'streamplane-kafka-bootstrap.kafka.svc:9093',
        KAFKA_SECURITY_PROTOCOL: scenario.spec.clientAuthentication === 'mtls' ? 'SSL' : 'SASL_SSL',
      });
      // The token is mounted as a file, never in the environment.
      expect(JSON.stringify(deployment)).not.toContain(TEST_AGENT_TOKEN);
    },
  );
});

describe('providers', () => {
  each('every Kubernetes object and Helm release goes through the given provider', (scenario) => {
    const kubernetes = scenario.resources.filter((resource) => resource.type.startsWith('kubernetes:'));
    expect(kubernetes.length).toBeGreaterThan(30);
    for (const resource of kubernetes)
      expect([resource.name, providerOf.get(resource.name)]).toEqual([resource.name, scenario.providerUrn]);
  });
});

function violations(objects: Manifest[]): { object: string; errors: string[] }[] {
  return objects
    .map((object) => ({
      object: `${object.kind}/${object.metadata.name}`,
      errors: validator.validate(object),
    }))
    .filter((result) => result.errors.length > 0);
}

/** Paths in Helm values that make a Service reachable from outside the cluster. */
function exposedServices(values: unknown, path: string[] = []): string[] {
  if (!values || typeof values !== 'object') return [];
  if (Array.isArray(values))
    return values.flatMap((item, index) => exposedServices(item, [...path, String(index)]));
  const record = values as Record<string, unknown>;
  const here = record.type === 'LoadBalancer' || record.type === 'NodePort' ? [path.join('.')] : [];
  return [
    ...here,
    ...Object.entries(record).flatMap(([key, value]) => exposedServices(value, [...path, key])),
  ];
}

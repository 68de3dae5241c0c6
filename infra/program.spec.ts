import * as pulumi from '@pulumi/pulumi';
import type { Cloud } from '@streamplane/deployment-spec';
import { awsMockCallResult, awsMockResourceState } from './aws/mocks';
import { azureMockCallResult, azureMockResourceState } from './azure/mocks';
import { recordingMocks } from './cloud/mock-recorder';
import { buildUnderMocks, resolve } from './cloud/testing';
import { kubernetesMockResourceState } from './platform/mocks';
import {
  TEST_AGENT_TOKEN,
  TEST_DEPLOYMENT_ID,
  makeSpec,
  manifests,
} from './platform/testing/platform-fixtures';
import { makeAuditPipeline, makeOrdersPipeline } from './platform/testing/pipeline-fixtures';
import { SchemaValidator } from './platform/testing/schema-validator';
import type { ProgramInput } from './types';

// One mock per provider package: each cloud's realistic state, and the platform's for Kubernetes.
const providerOf = new Map<string, string | undefined>();
const recording = recordingMocks(
  (args) => {
    providerOf.set(args.name, args.provider);
    if (args.type.startsWith('aws:')) return awsMockResourceState(args);
    if (args.type.startsWith('azure-native:')) return azureMockResourceState(args);
    return kubernetesMockResourceState(args);
  },
  (args) => (args.token.startsWith('aws:') ? awsMockCallResult(args) : azureMockCallResult(args)),
);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'unit', false);

const programInput = (cloud: Cloud): ProgramInput => ({
  deploymentId: TEST_DEPLOYMENT_ID,
  spec: makeSpec(cloud, { listeners: { internal: true, external: true } }),
  agent: {
    image: 'streamplane/agent:1.0.0',
    controlPlaneUrl: 'https://api.streamplane.example',
    token: pulumi.secret(TEST_AGENT_TOKEN),
  },
});

describe('deploymentProgram', () => {
  it.each<[Cloud, string]>([
    ['azure', 'azure-native:containerservice:ManagedCluster'],
    ['aws', 'aws:eks/cluster:Cluster'],
  ])('builds the %s cluster and the platform on it, and its outputs resolve', async (cloud, clusterType) => {
    const { deploymentProgram } = await import('./program');
    const built = await buildUnderMocks(recording, () => deploymentProgram(programInput(cloud))());
    const outputs = await built.result;

    expect(built.resources.filter((resource) => resource.type === clusterType)).toHaveLength(1);
    const otherCloud = cloud === 'aws' ? 'azure-native:' : 'aws:';
    expect(built.resources.filter((resource) => resource.type.startsWith(otherCloud))).toEqual([]);

    // The platform's objects go to the cluster just built, through the provider made from its kubeconfig.
    const providers = built.resources.filter((resource) => resource.type === 'pulumi:providers:kubernetes');
    expect(providers).toHaveLength(1);
    const [provider] = providers;
    expect(provider.inputs.kubeconfig).toBeDefined();
    const kubernetes = built.resources.filter((resource) => resource.type.startsWith('kubernetes:'));
    expect(kubernetes.length).toBeGreaterThan(30);
    const usedProviders = new Set(kubernetes.map((resource) => providerOf.get(resource.name)));
    expect([...usedProviders]).toEqual([
      `urn:pulumi:unit::streamplane::pulumi:providers:kubernetes::${provider.name}::${provider.id}`,
    ]);

    expect(await resolve(outputs.clusterName)).toMatch(/\S/);
    expect(await resolve(outputs.bootstrapInternal)).toBe('streamplane-kafka-bootstrap.kafka.svc:9093');
    expect(await resolve(outputs.bootstrapExternal)).toMatch(/^203\.0\.113\.\d+:9094$/);
    expect(await resolve(outputs.grafanaUrl)).toMatch(/^https:\/\/203\.0\.113\.\d+\/grafana\/$/);
    expect(await resolve(outputs.kafkaMetadataVersion)).toBe('4.3-IV0'); // the spec's Kafka 4.3.1, not pinned
    // AKS hands over YAML, the EKS component writes JSON: both are kubeconfigs.
    expect(await resolve(outputs.kubeconfig)).toMatch(/"?kind"?:\s*"?Config/);
    expect(await pulumiIsSecret(outputs.kubeconfig)).toBe(true);
  });
});

describe('deploymentProgram with pipelines', () => {
  /** Kinds only a pipeline brings, and the objects labelled as part of one. */
  const pipelineKinds = ['KafkaTopic', 'ScaledObject', 'TriggerAuthentication'];
  const ofPipelines = (resources: Parameters<typeof manifests>[0]) =>
    manifests(resources).filter(
      (manifest) =>
        pipelineKinds.includes(manifest.kind) ||
        manifest.metadata.labels?.['streamplane.io/pipeline'] !== undefined,
    );

  it('a run without pipelines creates no pipeline object (only the agent runs, only Streamplane users exist)', async () => {
    const { deploymentProgram } = await import('./program');
    const built = await buildUnderMocks(recording, () => deploymentProgram(programInput('azure'))());
    await built.result;
    expect(ofPipelines(built.resources)).toEqual([]);
    const names = (kind: string) =>
      manifests(built.resources)
        .filter((manifest) => manifest.kind === kind)
        .map((manifest) => manifest.metadata.name)
        .sort();
    expect(names('KafkaUser')).toEqual(['streamplane-agent', 'streamplane-ops']);
    expect(names('Deployment')).toEqual(['streamplane-agent']);
  });

  it('passes the pipelines through to the platform: their objects go to the cluster and validate', async () => {
    const { deploymentProgram } = await import('./program');
    const input = { ...programInput('aws'), pipelines: [makeOrdersPipeline(), makeAuditPipeline()] };
    const built = await buildUnderMocks(recording, () => deploymentProgram(input)());
    await built.result;
    const objects = ofPipelines(built.resources);
    expect(new Set(objects.map((object) => object.metadata.labels?.['streamplane.io/pipeline']))).toEqual(
      new Set(['orders', 'audit']),
    );
    expect(objects.filter((object) => object.kind === 'Deployment')).toHaveLength(6);
    const validator = new SchemaValidator();
    expect(objects.flatMap((object) => validator.validate(object))).toEqual([]);
    const [provider] = built.resources.filter((resource) => resource.type === 'pulumi:providers:kubernetes');
    const viaProvider = `urn:pulumi:unit::streamplane::pulumi:providers:kubernetes::${provider.name}::${provider.id}`;
    const labelled = built.resources.filter(
      (resource) => manifests([resource])[0]?.metadata.labels?.['streamplane.io/pipeline'] !== undefined,
    );
    expect(labelled).toHaveLength(objects.length);
    for (const resource of labelled) expect(providerOf.get(resource.name)).toBe(viaProvider);
  });
});

function pulumiIsSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return (output as unknown as { isSecret: Promise<boolean> }).isSecret;
}

import * as pulumi from '@pulumi/pulumi';
import {
  defaultSpec,
  parseDeploymentSpec,
  type Cloud,
  type DeploymentSpec,
} from '@streamplane/deployment-spec';
import type { RecordedResource } from '../../cloud/mock-recorder';
import type { ClusterOutputs, PlatformArgs } from '../../types';

/** Test data for the platform's unit tests (`*.spec.ts` only). */

export const TEST_DEPLOYMENT_ID = '6c0f6f3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f';
export const TEST_AGENT_TOKEN = 'spa_test_0123456789abcdef';

/** A valid spec (checked by the real validator) for `cloud`, with overrides. */
export function makeSpec(cloud: Cloud, overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return parseDeploymentSpec({ ...defaultSpec(cloud), name: 'orders-kafka', ...overrides });
}

/** What a cloud component hands over, as the AKS/EKS components build it. */
export function makeClusterOutputs(cloud: Cloud): ClusterOutputs {
  return {
    clusterName: pulumi.output(`${cloud}-orders-kafka`),
    kubeconfig: pulumi.secret('apiVersion: v1\nkind: Config\n'),
    kafkaStorage:
      cloud === 'azure'
        ? {
            provisioner: 'disk.csi.azure.com',
            parameters: { skuName: 'Premium_LRS', diskEncryptionSetID: 'des' },
          }
        : { provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3', encrypted: 'true' } },
    kafkaNodeLabel: { key: 'streamplane.io/workload', value: 'kafka' },
    kafkaNodeTaint: { key: 'streamplane.io/kafka', value: 'true', effect: 'NoSchedule' },
    kafkaNodeRoleLabel: { key: 'streamplane.io/kafka-role', brokers: 'broker', controllers: 'controller' },
    zoneLabel: 'topology.kubernetes.io/zone',
  };
}

export function makePlatformArgs(spec: DeploymentSpec): PlatformArgs {
  return {
    deploymentId: TEST_DEPLOYMENT_ID,
    spec,
    cluster: makeClusterOutputs(spec.cloud),
    agent: {
      image: 'streamplane/agent:1.0.0',
      controlPlaneUrl: 'https://api.streamplane.example',
      token: pulumi.secret(TEST_AGENT_TOKEN),
    },
  };
}

/** A Kubernetes object as the platform registered it (apiVersion, kind, metadata, and the rest). */
export type Manifest = Record<string, unknown> & {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
};

/** How Pulumi's mocks hand over a secret input: the value wrapped with this signature. */
const SECRET_SIGNATURE = {
  key: '4dabf18193072939515e22adb298388d',
  value: '1b47061264138c4ac30d75fd1eb44270',
};

export function isSecretInput(value: unknown): value is { value: unknown } {
  return (
    !!value &&
    typeof value === 'object' &&
    (value as Record<string, unknown>)[SECRET_SIGNATURE.key] === SECRET_SIGNATURE.value
  );
}

/** The inputs with every secret replaced by its plain value: what the API server would receive. */
export function unwrapSecrets(value: unknown): unknown {
  if (isSecretInput(value)) return unwrapSecrets(value.value);
  if (Array.isArray(value)) return value.map(unwrapSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, member]) => [key, unwrapSecrets(member)]));
  }
  return value;
}

/** Kubernetes objects among the recorded resources (those with apiVersion and kind, so not Helm releases). */
export function manifests(resources: RecordedResource[]): Manifest[] {
  return resources
    .filter((resource) => resource.type.startsWith('kubernetes:') && 'kind' in resource.inputs)
    .map((resource) => unwrapSecrets(resource.inputs) as Manifest);
}

/** The recorded inputs as registered (secrets still wrapped), to check what Pulumi keeps secret. */
export function rawInputs(
  resources: RecordedResource[],
  kind: string,
  name: string,
): Record<string, unknown> {
  const found = resources.find((resource) => {
    const inputs = resource.inputs as Partial<Manifest>;
    return inputs.kind === kind && inputs.metadata?.name === name;
  });
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found.inputs;
}

export function manifestsOfKind(resources: RecordedResource[], kind: string): Manifest[] {
  return manifests(resources).filter((manifest) => manifest.kind === kind);
}

export function manifestNamed<T = Manifest>(resources: RecordedResource[], kind: string, name: string): T {
  const found = manifestsOfKind(resources, kind).find((manifest) => manifest.metadata.name === name);
  if (!found) throw new Error(`no ${kind} named ${name}`);
  return found as T;
}

export function helmReleases(resources: RecordedResource[]): Record<string, unknown>[] {
  return resources
    .filter((resource) => resource.type === 'kubernetes:helm.sh/v3:Release')
    .map((resource) => unwrapSecrets(resource.inputs) as Record<string, unknown>);
}

/** The inputs of the release of `chart`; `T` lets a test read its values without casts. */
export function helmRelease<T = Record<string, unknown>>(resources: RecordedResource[], chart: string): T {
  const found = helmReleases(resources).find((release) => release.chart === chart);
  if (!found) throw new Error(`no Helm release of chart ${chart}`);
  return found as T;
}

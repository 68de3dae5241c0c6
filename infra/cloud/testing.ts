import type * as pulumi from '@pulumi/pulumi';
import type { DeploymentSpec } from '@streamplane/deployment-spec';
import {
  allRegistrationsDone,
  type RecordedCall,
  type RecordedResource,
  type RecordingMocks,
} from './mock-recorder';

/** Test helpers for the cloud components (used by `*.spec.ts` only). */

export const TEST_DEPLOYMENT_ID = '3f2c9a1e-7b4d-4c2a-9e51-0d8f6a2b7c10';

export function makeAwsSpec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    name: 'orders-kafka',
    cloud: 'aws',
    region: 'eu-west-1',
    zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    kafkaVersion: '4.3.1',
    controllers: 3,
    brokers: 4,
    nodeSize: 'r6i.xlarge',
    storagePerBrokerGiB: 500,
    listeners: { internal: true, external: true },
    clientAuthentication: 'scram-sha-512',
    tags: { team: 'payments', 'cost-center': 'cc-42' },
    ...overrides,
  };
}

export function makeAzureSpec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    ...makeAwsSpec(),
    cloud: 'azure',
    region: 'westeurope',
    zones: ['1', '2', '3'],
    nodeSize: 'Standard_E4s_v5',
    ...overrides,
  };
}

/** The tags the program passes: spec tags plus Streamplane's own. */
export function programTags(spec: DeploymentSpec, deploymentId = TEST_DEPLOYMENT_ID): Record<string, string> {
  return { ...spec.tags, 'streamplane:deployment-id': deploymentId, 'streamplane:managed-by': 'streamplane' };
}

export interface BuiltProgram<T> {
  result: T;
  resources: RecordedResource[];
  calls: RecordedCall[];
}

/** Builds a program under the (already installed) recording mocks and waits until every resource is registered. */
export async function buildUnderMocks<T>(
  recording: RecordingMocks,
  build: () => T,
): Promise<BuiltProgram<T>> {
  recording.reset();
  const result = build();
  await allRegistrationsDone();
  return { result, resources: [...recording.resources], calls: [...recording.calls] };
}

export function resolve<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((done) => {
    output.apply((value) => {
      done(value);
      return value;
    });
  });
}

export function ofType(resources: RecordedResource[], type: string): RecordedResource[] {
  return resources.filter((resource) => resource.type === type);
}

export function byId(resources: RecordedResource[], id: unknown): RecordedResource {
  const found = resources.find((resource) => resource.id === id);
  if (!found) throw new Error(`no recorded resource with id ${String(id)}`);
  return found;
}

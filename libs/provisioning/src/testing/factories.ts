import type { DeploymentSpec } from '@streamplane/deployment-spec';
import type { ProgramInput } from '@streamplane/infra';
import type { ResourceEvent, StackRequest } from '../stack-engine';

/** Test data for the engines (used by `*.spec.ts` and the contract suite only). */

export const TEST_DEPLOYMENT_ID = '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34';

export function makeSpec(
  cloud: 'azure' | 'aws' = 'azure',
  overrides: Partial<DeploymentSpec> = {},
): DeploymentSpec {
  const base: DeploymentSpec = {
    name: 'orders-kafka',
    cloud: 'azure',
    region: 'westeurope',
    zones: ['1', '2', '3'],
    kafkaVersion: '4.3.1',
    controllers: 3,
    brokers: 3,
    nodeSize: 'Standard_E4s_v5',
    storagePerBrokerGiB: 500,
    listeners: { internal: true, external: true },
    clientAuthentication: 'scram-sha-512',
    tags: { team: 'payments' },
  };
  const aws: Partial<DeploymentSpec> = {
    cloud: 'aws',
    region: 'eu-west-1',
    zones: ['eu-west-1a', 'eu-west-1b', 'eu-west-1c'],
    nodeSize: 'r6i.xlarge',
  };
  return { ...base, ...(cloud === 'aws' ? aws : {}), ...overrides };
}

export function makeInput(
  cloud: 'azure' | 'aws' = 'azure',
  overrides: { deploymentId?: string; spec?: Partial<DeploymentSpec> } = {},
): ProgramInput {
  return {
    deploymentId: overrides.deploymentId ?? TEST_DEPLOYMENT_ID,
    spec: makeSpec(cloud, overrides.spec),
    agent: {
      image: 'streamplane/agent:0.1.0',
      controlPlaneUrl: 'http://localhost:3000',
      token: 'spa_test_agent_token_0123456789abcdef',
    },
  };
}

/** A request whose events are collected in `events`. */
export function makeRequest(
  stackName: string,
  input: ProgramInput,
  extra: Partial<Omit<StackRequest, 'onEvent'>> = {},
): StackRequest & { events: ResourceEvent[] } {
  const events: ResourceEvent[] = [];
  return { stackName, input, ...extra, onEvent: (event) => events.push(event), events };
}

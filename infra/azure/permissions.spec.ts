import * as pulumi from '@pulumi/pulumi';
import { recordingMocks } from '../cloud/mock-recorder';
import { buildUnderMocks, makeAzureSpec, programTags, TEST_DEPLOYMENT_ID } from '../cloud/testing';
import type { CloudClusterArgs } from '../types';
import { azureMockCallResult, azureMockResourceState, MOCK_AZURE_SUBSCRIPTION_ID } from './mocks';
import { AZURE_PERMISSIONS_BY_TYPE, azureRoleAssignmentCondition, azureRoleDefinition } from './permissions';

const recording = recordingMocks(azureMockResourceState, azureMockCallResult);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'test', false);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AzureKafkaCluster } = require('./cluster') as typeof import('./cluster');

/** Specs that exercise every branch of the program that could add or drop a resource type. */
const VARIANTS: Partial<CloudClusterArgs>[] = [
  {},
  { spec: makeAzureSpec({ controllers: 5, brokers: 30 }), apiServerAllowedCidrs: ['198.51.100.0/24'] },
  { azureResourceGroupName: 'payments-kafka' },
];

describe('Azure permissions derived from AzureKafkaCluster', () => {
  const used = new Set<string>();
  const usedWithoutOwnGroup = new Set<string>();

  beforeAll(async () => {
    for (const [index, variant] of VARIANTS.entries()) {
      const spec = variant.spec ?? makeAzureSpec();
      const deploymentId = `${index}${TEST_DEPLOYMENT_ID.slice(1)}`;
      const built = await buildUnderMocks(
        recording,
        () =>
          new AzureKafkaCluster(`kafka${index}`, {
            deploymentId,
            spec,
            tags: programTags(spec, deploymentId),
            ...variant,
          }),
      );
      const types = [
        ...built.resources.map((resource) => resource.type),
        ...built.calls.map((call) => call.token),
      ];
      types.forEach((type) => used.add(type));
      if (variant.azureResourceGroupName) types.forEach((type) => usedWithoutOwnGroup.add(type));
    }
  });

  it('has permissions for exactly the resource types and invokes the program uses', () => {
    expect([...used].sort()).toEqual(Object.keys(AZURE_PERMISSIONS_BY_TYPE).sort());
  });

  it('names only actions of the resource provider types the program touches, and no wildcard', () => {
    const providers = new Set([
      'Microsoft.Resources',
      'Microsoft.Network',
      'Microsoft.ManagedIdentity',
      'Microsoft.Authorization',
      'Microsoft.ContainerService',
    ]);
    for (const action of azureRoleDefinition(MOCK_AZURE_SUBSCRIPTION_ID).Actions) {
      expect(action).toMatch(/^Microsoft\.[A-Za-z]+\/[A-Za-z/]+\/(read|write|delete|action)$/);
      expect(providers.has(action.split('/')[0])).toBe(true);
    }
  });

  it('is a custom role assignable at the subscription, or only at the resource group it is limited to', () => {
    const subscription = azureRoleDefinition(MOCK_AZURE_SUBSCRIPTION_ID);
    expect(subscription).toMatchObject({
      Name: `Streamplane Kafka deployer (${MOCK_AZURE_SUBSCRIPTION_ID})`,
      IsCustom: true,
      AssignableScopes: [`/subscriptions/${MOCK_AZURE_SUBSCRIPTION_ID}`],
      DataActions: [],
    });
    expect(subscription.Actions).toContain('Microsoft.Resources/subscriptions/resourceGroups/write');

    const group = azureRoleDefinition(MOCK_AZURE_SUBSCRIPTION_ID, 'payments-kafka');
    expect(group.Name).toBe(`Streamplane Kafka deployer (${MOCK_AZURE_SUBSCRIPTION_ID}/payments-kafka)`);
    expect(azureRoleDefinition(MOCK_AZURE_SUBSCRIPTION_ID, null).AssignableScopes).toEqual(
      subscription.AssignableScopes,
    );
    expect(group.AssignableScopes).toEqual([
      `/subscriptions/${MOCK_AZURE_SUBSCRIPTION_ID}/resourceGroups/payments-kafka`,
    ]);
    expect(group.Actions).not.toContain('Microsoft.Resources/subscriptions/resourceGroups/write');
    expect(group.Actions).not.toContain('Microsoft.Resources/subscriptions/resourceGroups/delete');
    // …and deploying into an existing group needs nothing the group-scoped role lacks.
    const needed = [...usedWithoutOwnGroup].flatMap((type) => AZURE_PERMISSIONS_BY_TYPE[type]);
    expect(group.Actions).toEqual(expect.arrayContaining(needed));
  });

  it('refuses a malformed subscription id or resource group', () => {
    expect(() => azureRoleDefinition('not-a-guid')).toThrow('subscription id');
    expect(() => azureRoleDefinition(MOCK_AZURE_SUBSCRIPTION_ID, 'bad/name')).toThrow('resource group');
  });

  it('comes with an assignment condition that allows assigning only the two roles the program assigns', () => {
    const { condition, conditionVersion } = azureRoleAssignmentCondition();
    expect(conditionVersion).toBe('2.0');
    expect(condition).toContain("ActionMatches{'Microsoft.Authorization/roleAssignments/write'}");
    expect(condition).toContain("ActionMatches{'Microsoft.Authorization/roleAssignments/delete'}");
    expect(condition.match(/GuidEquals \{([^}]+)\}/g)).toEqual([
      'GuidEquals {4d97b98b-1d4f-4787-a291-c67834d212e7, b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b}',
      'GuidEquals {4d97b98b-1d4f-4787-a291-c67834d212e7, b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b}',
    ]);
  });
});

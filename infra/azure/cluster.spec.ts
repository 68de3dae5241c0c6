import * as pulumi from '@pulumi/pulumi';
import { catalogFor } from '@streamplane/deployment-spec';
import { KAFKA_NODE_LABEL, KAFKA_NODE_ROLE_LABEL, KAFKA_NODE_TAINT, ZONE_LABEL } from '../cloud/kafka-nodes';
import { recordingMocks, type RecordedResource } from '../cloud/mock-recorder';
import {
  buildUnderMocks,
  byId,
  makeAzureSpec,
  ofType,
  programTags,
  resolve,
  TEST_DEPLOYMENT_ID,
  type BuiltProgram,
} from '../cloud/testing';
import type { CloudClusterArgs } from '../types';
import {
  azureMockCallResult,
  azureMockResourceState,
  MOCK_AZURE_DEPLOYER_OBJECT_ID,
  MOCK_AZURE_SUBSCRIPTION_ID,
  MOCK_AZURE_TENANT_ID,
} from './mocks';

// Mocks first, then the component (the documented order for Pulumi unit tests).
const recording = recordingMocks(azureMockResourceState, azureMockCallResult);
void pulumi.runtime.setMocks(recording.mocks, 'streamplane', 'test', false);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AzureKafkaCluster } = require('./cluster') as typeof import('./cluster');
type Cluster = InstanceType<typeof AzureKafkaCluster>;

const T = {
  resourceGroup: 'azure-native:resources:ResourceGroup',
  vnet: 'azure-native:network:VirtualNetwork',
  subnet: 'azure-native:network:Subnet',
  identity: 'azure-native:managedidentity:UserAssignedIdentity',
  roleAssignment: 'azure-native:authorization:RoleAssignment',
  cluster: 'azure-native:containerservice:ManagedCluster',
  pool: 'azure-native:containerservice:AgentPool',
} as const;

/** Azure has no tags on subnets and role assignments. */
const UNTAGGABLE = new Set<string>([T.subnet, T.roleAssignment]);
const roleId = (id: string) =>
  `/subscriptions/${MOCK_AZURE_SUBSCRIPTION_ID}/providers/Microsoft.Authorization/roleDefinitions/${id}`;

function build(args: Partial<CloudClusterArgs> = {}): Promise<BuiltProgram<Cluster>> {
  const spec = args.spec ?? makeAzureSpec();
  return buildUnderMocks(
    recording,
    () =>
      new AzureKafkaCluster('kafka', {
        deploymentId: TEST_DEPLOYMENT_ID,
        spec,
        tags: programTags(spec),
        ...args,
      }),
  );
}

type Pool = Record<string, any>;
const poolsOf = (resources: RecordedResource[]): Pool[] => {
  const [cluster] = ofType(resources, T.cluster);
  return [
    ...(cluster.inputs.agentPoolProfiles as Pool[]),
    ...ofType(resources, T.pool).map((pool) => pool.inputs),
  ];
};

describe('AzureKafkaCluster', () => {
  const spec = makeAzureSpec({ brokers: 4, controllers: 5 });
  let built: BuiltProgram<Cluster>;
  let resources: RecordedResource[];

  beforeAll(async () => {
    built = await build({ spec, apiServerAllowedCidrs: ['198.51.100.0/24'] });
    resources = built.resources;
  });

  it('creates a resource group, a VNet and one nodes subnet in the spec region', () => {
    const [group] = ofType(resources, T.resourceGroup);
    expect(group.inputs).toMatchObject({ resourceGroupName: 'streamplane-3f2c9a1e', location: 'westeurope' });
    const [vnet] = ofType(resources, T.vnet);
    expect(vnet.inputs).toMatchObject({ resourceGroupName: 'streamplane-3f2c9a1e', location: 'westeurope' });
    expect(ofType(resources, T.subnet)).toHaveLength(1);
  });

  it('spreads the Kafka pools one per zone and role over three distinct zones, labelled and tainted for Kafka', () => {
    const kafka = ofType(resources, T.pool).map((pool) => pool.inputs);
    expect(kafka).toHaveLength(6);
    const zones = new Set(kafka.map((pool) => (pool.availabilityZones as string[]).join()));
    expect(zones).toEqual(new Set(['1', '2', '3']));
    const controllerSize = catalogFor('azure').controllerPool.nodeSize;
    const byZone: Record<string, Record<string, number>> = {};
    for (const pool of kafka) {
      const role = (pool.nodeLabels as Record<string, string>)[KAFKA_NODE_ROLE_LABEL.key];
      expect(pool).toMatchObject({
        mode: 'User',
        enableAutoScaling: false,
        nodeLabels: { [KAFKA_NODE_LABEL.key]: KAFKA_NODE_LABEL.value },
        nodeTaints: ['streamplane.io/kafka=true:NoSchedule'],
        vmSize: role === KAFKA_NODE_ROLE_LABEL.brokers ? spec.nodeSize : controllerSize,
      });
      expect(pool.agentPoolName).toMatch(/^[a-z][a-z0-9]{0,11}$/);
      const zone = (pool.availabilityZones as string[])[0];
      byZone[zone] = { ...byZone[zone], [role]: pool.count as number };
    }
    expect(byZone).toEqual({
      '1': { broker: 2, controller: 2 },
      '2': { broker: 1, controller: 2 },
      '3': { broker: 1, controller: 1 },
    });
  });

  it('runs an untainted system pool over zones 1-3, sized from the catalog', () => {
    const [cluster] = ofType(resources, T.cluster);
    const [system] = cluster.inputs.agentPoolProfiles as Pool[];
    expect(system).toMatchObject({
      mode: 'System',
      availabilityZones: ['1', '2', '3'],
      vmSize: catalogFor('azure').systemPool.nodeSize,
      count: catalogFor('azure').systemPool.nodeCount,
    });
    expect(system.nodeTaints ?? []).toEqual([]);
  });

  it('encrypts every node OS disk at host and provisions Kafka volumes as zonal, encrypted Premium SSD v2', () => {
    const pools = poolsOf(resources);
    expect(pools).toHaveLength(7);
    for (const pool of pools) {
      expect(pool).toMatchObject({
        enableEncryptionAtHost: true,
        osDiskType: 'Managed',
        enableNodePublicIP: false,
      });
    }
    expect(built.result.outputs.kafkaStorage).toEqual({
      provisioner: 'disk.csi.azure.com',
      parameters: expect.objectContaining({ skuName: 'PremiumV2_LRS', networkAccessPolicy: 'DenyAll' }),
    });
    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs.storageProfile).toMatchObject({ diskCSIDriver: { enabled: true } });
  });

  it('runs a Standard-tier cluster on the pinned minor with Entra ID, Azure RBAC, no local accounts, and workload identity', () => {
    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs).toMatchObject({
      kubernetesVersion: '1.35',
      sku: { name: 'Base', tier: 'Standard' },
      enableRBAC: true,
      disableLocalAccounts: true,
      aadProfile: { managed: true, enableAzureRBAC: true, tenantID: MOCK_AZURE_TENANT_ID },
      oidcIssuerProfile: { enabled: true },
      securityProfile: { workloadIdentity: { enabled: true } },
      autoUpgradeProfile: { upgradeChannel: 'patch' },
      networkProfile: { networkPlugin: 'azure', networkPluginMode: 'overlay', networkPolicy: 'cilium' },
      apiServerAccessProfile: { authorizedIPRanges: ['198.51.100.0/24'] },
    });
    for (const pool of poolsOf(resources)) expect(pool.orchestratorVersion).toBe('1.35');
  });

  it("gives the cluster's own identity Network Contributor on the nodes subnet, before the cluster exists", () => {
    const [identity] = ofType(resources, T.identity);
    const [subnet] = ofType(resources, T.subnet);
    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs.identity).toEqual({ type: 'UserAssigned', userAssignedIdentities: [identity.id] });
    const onSubnet = ofType(resources, T.roleAssignment).filter(
      (assignment) => assignment.inputs.scope === subnet.id,
    );
    expect(onSubnet).toEqual([
      expect.objectContaining({
        inputs: expect.objectContaining({
          principalId: identity.state.principalId,
          roleDefinitionId: roleId('4d97b98b-1d4f-4787-a291-c67834d212e7'),
        }),
      }),
    ]);
    for (const pool of poolsOf(resources)) expect(pool.vnetSubnetID).toBe(subnet.id);
    expect(resources.findIndex((resource) => resource === onSubnet[0])).toBeLessThan(
      resources.indexOf(cluster),
    );
  });

  it('makes the deploying principal cluster admin through Azure RBAC, on this cluster only', () => {
    const [cluster] = ofType(resources, T.cluster);
    const admin = ofType(resources, T.roleAssignment).filter(
      (assignment) => assignment.inputs.scope === cluster.id,
    );
    expect(admin.map((assignment) => assignment.inputs)).toEqual([
      expect.objectContaining({
        principalId: MOCK_AZURE_DEPLOYER_OBJECT_ID,
        roleDefinitionId: roleId('b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b'),
      }),
    ]);
  });

  it('tags every taggable resource (pools included) with the deployment id, managed-by and the spec tags', () => {
    const tagged = resources.filter((resource) => !UNTAGGABLE.has(resource.type));
    expect(tagged.length).toBe(1 + 1 + 1 + 1 + 6);
    const expected = expect.objectContaining({
      'streamplane:deployment-id': TEST_DEPLOYMENT_ID,
      'streamplane:managed-by': 'streamplane',
      team: 'payments',
    });
    for (const resource of tagged)
      expect({ name: resource.name, tags: resource.inputs.tags }).toEqual({
        name: resource.name,
        tags: expected,
      });
    for (const pool of poolsOf(resources)) expect(pool.tags).toEqual(expected);
    expect(built.result.outputs.kafkaStorage.parameters.tags).toBe(
      `streamplane:deployment-id=${TEST_DEPLOYMENT_ID},streamplane:managed-by=streamplane`,
    );
  });

  it('hands the platform the decoded exec-format kubeconfig as a secret, and the node contract', async () => {
    const { outputs } = built.result;
    await expect(pulumi.isSecret(outputs.kubeconfig)).resolves.toBe(true);
    const kubeconfig = await resolve(outputs.kubeconfig);
    const [cluster] = ofType(resources, T.cluster);
    expect(kubeconfig).toContain(`server: https://${cluster.state.fqdn as string}:443`);
    expect(kubeconfig).toContain('command: kubelogin');
    const call = built.calls.find(
      (candidate) => candidate.token === 'azure-native:containerservice:listManagedClusterUserCredentials',
    )!;
    expect(call.inputs).toEqual({
      resourceGroupName: 'streamplane-3f2c9a1e',
      resourceName: cluster.id.split('/').pop(),
      format: 'exec',
    });
    await expect(resolve(outputs.clusterName)).resolves.toBe('streamplane-3f2c9a1e');
    expect(outputs.kafkaNodeLabel).toEqual(KAFKA_NODE_LABEL);
    expect(outputs.kafkaNodeTaint).toEqual(KAFKA_NODE_TAINT);
    expect(outputs.kafkaNodeRoleLabel).toEqual(KAFKA_NODE_ROLE_LABEL);
    expect(outputs.zoneLabel).toBe(ZONE_LABEL);
  });

  it('places every located resource in the spec region', () => {
    for (const resource of resources.filter((candidate) => 'location' in candidate.inputs)) {
      expect({ name: resource.name, location: resource.inputs.location }).toEqual({
        name: resource.name,
        location: 'westeurope',
      });
    }
    expect(byId(resources, ofType(resources, T.subnet)[0].id).inputs.addressPrefix).toBe('10.64.0.0/22');
  });
});

describe('AzureKafkaCluster in an existing resource group, API open', () => {
  it('creates no resource group, puts everything in the given one, and sets no authorised IP ranges', async () => {
    const { resources } = await build({ azureResourceGroupName: 'payments-kafka' });
    expect(ofType(resources, T.resourceGroup)).toEqual([]);
    for (const resource of resources.filter((candidate) => 'resourceGroupName' in candidate.inputs)) {
      expect(resource.inputs.resourceGroupName).toBe('payments-kafka');
    }
    const [cluster] = ofType(resources, T.cluster);
    expect(cluster.inputs.apiServerAccessProfile).toBeUndefined();
  });
});

describe('AzureKafkaCluster input checks', () => {
  it('refuses a spec for another cloud', () => {
    expect(
      () =>
        new AzureKafkaCluster('wrong', {
          deploymentId: TEST_DEPLOYMENT_ID,
          spec: makeAzureSpec({ cloud: 'aws' }),
          tags: {},
        }),
    ).toThrow("AzureKafkaCluster got a spec for cloud 'aws'");
  });
});

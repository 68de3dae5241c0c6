import { AZURE_BUILT_IN_ROLES } from './built-in-roles';

/**
 * The Azure permissions Streamplane's service principal needs, derived from what the program creates: every
 * resource type (and invoke) `AzureKafkaCluster` registers has an entry with the Azure RBAC actions to create,
 * read, update and delete it. `permissions.spec.ts` builds the component under mocks and fails when this
 * table and the program disagree in either direction.
 *
 * AKS creates the node resource group, VM scale sets, disks, load balancers and public IPs itself, with its
 * own first-party identity and the cluster's managed identity: none of that needs the deployer's rights.
 */
export const AZURE_PERMISSIONS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  'azure-native:resources:ResourceGroup': [
    'Microsoft.Resources/subscriptions/resourceGroups/read',
    'Microsoft.Resources/subscriptions/resourceGroups/write',
    'Microsoft.Resources/subscriptions/resourceGroups/delete',
  ],
  'azure-native:network:VirtualNetwork': [
    'Microsoft.Network/virtualNetworks/read',
    'Microsoft.Network/virtualNetworks/write',
    'Microsoft.Network/virtualNetworks/delete',
  ],
  'azure-native:network:Subnet': [
    'Microsoft.Network/virtualNetworks/subnets/read',
    'Microsoft.Network/virtualNetworks/subnets/write',
    'Microsoft.Network/virtualNetworks/subnets/delete',
  ],
  'azure-native:managedidentity:UserAssignedIdentity': [
    'Microsoft.ManagedIdentity/userAssignedIdentities/read',
    'Microsoft.ManagedIdentity/userAssignedIdentities/write',
    'Microsoft.ManagedIdentity/userAssignedIdentities/delete',
  ],
  // Network Contributor for the cluster identity on the subnet, AKS RBAC Cluster Admin for the deployer on the
  // cluster. Writing role assignments is powerful: `azureRoleAssignmentCondition` limits it to those two roles.
  'azure-native:authorization:RoleAssignment': [
    'Microsoft.Authorization/roleAssignments/read',
    'Microsoft.Authorization/roleAssignments/write',
    'Microsoft.Authorization/roleAssignments/delete',
    'Microsoft.Authorization/roleDefinitions/read',
  ],
  'azure-native:containerservice:ManagedCluster': [
    'Microsoft.ContainerService/managedClusters/read',
    'Microsoft.ContainerService/managedClusters/write',
    'Microsoft.ContainerService/managedClusters/delete',
    // Creating a cluster in the deployment's subnet with its user-assigned identity is checked against the
    // caller: it must be allowed to join the subnet and assign the identity.
    'Microsoft.Network/virtualNetworks/subnets/join/action',
    'Microsoft.ManagedIdentity/userAssignedIdentities/assign/action',
  ],
  'azure-native:containerservice:AgentPool': [
    'Microsoft.ContainerService/managedClusters/agentPools/read',
    'Microsoft.ContainerService/managedClusters/agentPools/write',
    'Microsoft.ContainerService/managedClusters/agentPools/delete',
    'Microsoft.Network/virtualNetworks/subnets/join/action',
  ],
  // Invokes. The client config is the caller's own token; the user kubeconfig is an action on the cluster.
  'azure-native:authorization:getClientConfig': [],
  'azure-native:containerservice:listManagedClusterUserCredentials': [
    'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action',
  ],
};

/** Created only when the deployment gets its own resource group. */
const RESOURCE_GROUP_TYPE = 'azure-native:resources:ResourceGroup';

/** A custom role in the shape `az role definition create --role-definition` takes. */
export interface AzureRoleDefinition {
  Name: string;
  IsCustom: true;
  Description: string;
  Actions: string[];
  NotActions: string[];
  DataActions: string[];
  NotDataActions: string[];
  AssignableScopes: string[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Azure: 1-90 characters of letters, digits, '_', '-', '.', '(' and ')', not ending in '.'.
const RESOURCE_GROUP = /^[\w\-.()]{0,89}[\w\-()]$/;

/**
 * The custom role the customer creates and assigns to Streamplane's service principal. Assignable at the
 * subscription (the program creates a resource group per deployment), or only at `resourceGroupScope` when the
 * customer keeps Streamplane in one existing group (the program then deploys into it: `azureResourceGroupName`
 * in CloudClusterArgs, and the role cannot create or delete resource groups). Actions are grouped by resource
 * provider. Assign it with `azureRoleAssignmentCondition()` so its role-assignment right cannot be used to
 * hand out other roles.
 */
export function azureRoleDefinition(
  subscriptionId: string,
  resourceGroupScope?: string | null,
): AzureRoleDefinition {
  if (!GUID.test(subscriptionId)) throw new Error(`'${subscriptionId}' is not an Azure subscription id`);
  if (resourceGroupScope != null && !RESOURCE_GROUP.test(resourceGroupScope)) {
    throw new Error(`'${resourceGroupScope}' is not an Azure resource group name`);
  }
  const subscription = `/subscriptions/${subscriptionId}`;
  const actions = Object.entries(AZURE_PERMISSIONS_BY_TYPE).flatMap(([type, typeActions]) =>
    resourceGroupScope && type === RESOURCE_GROUP_TYPE
      ? typeActions.filter((action) => action.endsWith('/read'))
      : typeActions,
  );
  return {
    // Custom role names are unique per Entra ID tenant, which may hold many subscriptions and groups.
    Name: `Streamplane Kafka deployer (${resourceGroupScope ? `${subscriptionId}/${resourceGroupScope}` : subscriptionId})`,
    IsCustom: true,
    Description:
      'Lets Streamplane create, update and delete managed Kafka deployments (AKS, VNet, managed identity) ' +
      (resourceGroupScope ? `in the resource group ${resourceGroupScope}.` : 'in this subscription.'),
    Actions: [...new Set(actions)].sort(byProviderThenAction),
    NotActions: [],
    DataActions: [],
    NotDataActions: [],
    AssignableScopes: [
      resourceGroupScope ? `${subscription}/resourceGroups/${resourceGroupScope}` : subscription,
    ],
  };
}

function byProviderThenAction(a: string, b: string): number {
  return a.localeCompare(b, 'en');
}

/**
 * The ABAC condition to put on the role assignment of the custom role: role assignments it creates or
 * deletes may only be for the two built-in roles the program assigns (Network Contributor on the subnet,
 * AKS RBAC Cluster Admin on the cluster). Without it, roleAssignments/write would let the holder grant
 * itself Owner. (Azure "delegate role assignment management with conditions", condition version 2.0.)
 */
export function azureRoleAssignmentCondition(): { condition: string; conditionVersion: '2.0' } {
  const roles = Object.values(AZURE_BUILT_IN_ROLES).join(', ');
  const limit = (action: 'write' | 'delete', attribute: 'Request' | 'Resource') =>
    `((!(ActionMatches{'Microsoft.Authorization/roleAssignments/${action}'})) OR ` +
    `(@${attribute}[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roles}}))`;
  return {
    condition: `${limit('write', 'Request')} AND ${limit('delete', 'Resource')}`,
    conditionVersion: '2.0',
  };
}

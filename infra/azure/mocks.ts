import { createHash } from 'node:crypto';
import type * as pulumi from '@pulumi/pulumi';

/**
 * Realistic state for the Azure resources and invokes the program uses, for Pulumi's runtime mocks: ARM ids,
 * identities' principal ids, the cluster's FQDN and OIDC issuer, and a kubeconfig in the exec (kubelogin)
 * format AKS returns when local accounts are disabled. Values derive from names, so runs are repeatable.
 * Used by the unit tests and the local engine.
 */
export const MOCK_AZURE_SUBSCRIPTION_ID = '0b1f6471-1bf0-4dda-aec3-cb9272f09590';
export const MOCK_AZURE_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
/** The deploying service principal's object id. */
export const MOCK_AZURE_DEPLOYER_OBJECT_ID = '9a3f3e1c-5b7d-4f0e-8c2a-6d4b1e7f0a93';

function hex(seed: string, length: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, length);
}

function guid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

const group = (name: string) => `/subscriptions/${MOCK_AZURE_SUBSCRIPTION_ID}/resourceGroups/${name}`;

/** The API server's FQDN, from the cluster's name (the resource mock and the kubeconfig agree on it). */
function aksFqdn(clusterName: string, location: string): string {
  return `${clusterName}-${hex(`aks/${clusterName}`, 8)}.hcp.${location}.azmk8s.io`;
}

export function azureMockResourceState(args: pulumi.runtime.MockResourceArgs): {
  id: string;
  state: Record<string, unknown>;
} {
  const inputs = args.inputs as Record<string, unknown>;
  const seed = `${args.type}/${args.name}`;
  const autoName = `${args.name}${hex(seed, 8)}`;
  const resourceGroupName = text(inputs.resourceGroupName) ?? 'rg';
  const location = text(inputs.location) ?? 'westeurope';
  const provider = (path: string) => `${group(resourceGroupName)}/providers/${path}`;

  switch (args.type) {
    case 'azure-native:resources:ResourceGroup': {
      const name = text(inputs.resourceGroupName) ?? autoName;
      return { id: group(name), state: { ...inputs, name, provisioningState: 'Succeeded' } };
    }
    case 'azure-native:network:VirtualNetwork': {
      const name = text(inputs.virtualNetworkName) ?? autoName;
      return {
        id: provider(`Microsoft.Network/virtualNetworks/${name}`),
        state: { ...inputs, name, resourceGuid: guid(seed), provisioningState: 'Succeeded' },
      };
    }
    case 'azure-native:network:Subnet': {
      const name = text(inputs.subnetName) ?? autoName;
      const vnet = text(inputs.virtualNetworkName) ?? 'vnet';
      return {
        id: provider(`Microsoft.Network/virtualNetworks/${vnet}/subnets/${name}`),
        state: { ...inputs, name, provisioningState: 'Succeeded' },
      };
    }
    case 'azure-native:managedidentity:UserAssignedIdentity': {
      const name = text(inputs.resourceName) ?? autoName;
      return {
        id: provider(`Microsoft.ManagedIdentity/userAssignedIdentities/${name}`),
        state: {
          ...inputs,
          name,
          principalId: guid(`${seed}/principal`),
          clientId: guid(`${seed}/client`),
          tenantId: MOCK_AZURE_TENANT_ID,
        },
      };
    }
    case 'azure-native:authorization:RoleAssignment': {
      const name = text(inputs.roleAssignmentName) ?? guid(seed);
      return {
        id: `${text(inputs.scope) ?? ''}/providers/Microsoft.Authorization/roleAssignments/${name}`,
        state: { ...inputs, name },
      };
    }
    case 'azure-native:containerservice:ManagedCluster': {
      const name = text(inputs.resourceName) ?? autoName;
      const id = provider(`Microsoft.ContainerService/managedClusters/${name}`);
      return {
        id,
        state: {
          ...inputs,
          name,
          fqdn: aksFqdn(name, location),
          azurePortalFQDN: `${name}-${hex(seed, 8)}.portal.hcp.${location}.azmk8s.io`,
          currentKubernetesVersion: `${text(inputs.kubernetesVersion) ?? '1.35'}.2`,
          provisioningState: 'Succeeded',
          powerState: { code: 'Running' },
          oidcIssuerProfile: {
            enabled: true,
            issuerURL: `https://${location}.oic.prod-aks.azure.com/${MOCK_AZURE_TENANT_ID}/${guid(seed)}/`,
          },
          identityProfile: {
            kubeletidentity: {
              clientId: guid(`${seed}/kubelet-client`),
              objectId: guid(`${seed}/kubelet-object`),
              resourceId: `${group(text(inputs.nodeResourceGroup) ?? `MC_${resourceGroupName}`)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}-agentpool`,
            },
          },
        },
      };
    }
    case 'azure-native:containerservice:AgentPool': {
      const name = text(inputs.agentPoolName) ?? autoName;
      const cluster = text(inputs.resourceName) ?? 'cluster';
      return {
        id: provider(`Microsoft.ContainerService/managedClusters/${cluster}/agentPools/${name}`),
        state: { ...inputs, name, provisioningState: 'Succeeded', currentOrchestratorVersion: '1.35.2' },
      };
    }
    default:
      throw new Error(`no Azure mock state for resource type ${args.type} (${args.name})`);
  }
}

/** The kubeconfig AKS returns for a cluster with Entra ID and local accounts disabled (exec format). */
export function mockAksUserKubeconfig(
  clusterName: string,
  resourceGroupName: string,
  location = 'westeurope',
): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- cluster:',
    `    certificate-authority-data: ${Buffer.from(`-----BEGIN CERTIFICATE-----\n${hex(clusterName, 64)}\n`).toString('base64')}`,
    `    server: https://${aksFqdn(clusterName, location)}:443`,
    `  name: ${clusterName}`,
    'contexts:',
    '- context:',
    `    cluster: ${clusterName}`,
    `    user: clusterUser_${resourceGroupName}_${clusterName}`,
    `  name: ${clusterName}`,
    `current-context: ${clusterName}`,
    'users:',
    `- name: clusterUser_${resourceGroupName}_${clusterName}`,
    '  user:',
    '    exec:',
    '      apiVersion: client.authentication.k8s.io/v1beta1',
    '      args: [get-token, --login, devicecode, --server-id, 6dae42f8-4368-4678-94ff-3960e28e3630,',
    `        --environment, AzurePublicCloud, --tenant-id, ${MOCK_AZURE_TENANT_ID}]`,
    '      command: kubelogin',
    '      interactiveMode: IfAvailable',
    '',
  ].join('\n');
}

export function azureMockCallResult(args: pulumi.runtime.MockCallArgs): Record<string, unknown> {
  const inputs = args.inputs as Record<string, unknown>;
  switch (args.token) {
    case 'azure-native:authorization:getClientConfig':
      return {
        clientId: '5c1e2a3b-8d7f-4e6a-9b0c-1d2e3f4a5b6c',
        objectId: MOCK_AZURE_DEPLOYER_OBJECT_ID,
        subscriptionId: MOCK_AZURE_SUBSCRIPTION_ID,
        tenantId: MOCK_AZURE_TENANT_ID,
      };
    case 'azure-native:containerservice:listManagedClusterUserCredentials': {
      const clusterName = text(inputs.resourceName) ?? 'cluster';
      const kubeconfig = mockAksUserKubeconfig(clusterName, text(inputs.resourceGroupName) ?? 'rg');
      return { kubeconfigs: [{ name: 'clusterUser', value: Buffer.from(kubeconfig).toString('base64') }] };
    }
    default:
      throw new Error(`no Azure mock result for invoke ${args.token}`);
  }
}

import * as pulumi from '@pulumi/pulumi';
import * as authorization from '@pulumi/azure-native/authorization';
import * as containerservice from '@pulumi/azure-native/containerservice';
import * as managedidentity from '@pulumi/azure-native/managedidentity';
import { AZURE_BUILT_IN_ROLES, roleDefinitionId } from './built-in-roles';
import type { AzureNames } from './names';
import { DNS_SERVICE_IP, POD_CIDR, SERVICE_CIDR } from './network-plan';
import { nodePoolDefaults } from './node-pool-defaults';
import { AKS_KUBERNETES_VERSION } from './versions';

export interface AksControlPlaneArgs {
  resourceGroupName: pulumi.Input<string>;
  location: string;
  names: AzureNames;
  /** From the deploying principal's client config. */
  subscriptionId: pulumi.Input<string>;
  tenantId: pulumi.Input<string>;
  deployerObjectId: pulumi.Input<string>;
  zones: readonly string[];
  nodesSubnetId: pulumi.Input<string>;
  systemPool: { nodeSize: string; nodeCount: number };
  /** Who may reach the API server; see CloudClusterArgs.apiServerAllowedCidrs. */
  apiServerAllowedCidrs?: string[];
  tags: Record<string, string>;
}

/**
 * The AKS cluster: Standard tier (uptime SLA, production control plane), a pinned Kubernetes minor with patch
 * auto-upgrades, Entra ID authentication with Azure RBAC and local accounts disabled (no static admin
 * credential exists), OIDC issuer and workload identity for pods that need Azure, Azure CNI overlay with the
 * Cilium dataplane (network policies enforced), the Azure Disk CSI driver, and a system pool over the three
 * zones. Kafka pools are separate `AgentPool` resources (adding or changing one does not touch the cluster).
 *
 * Its user-assigned identity is created first and given Network Contributor on the nodes subnet before the
 * cluster exists (AKS needs it to join nodes and load balancers to the subnet). The deploying principal is
 * made cluster admin through Azure RBAC, which is how the provisioner reaches the Kubernetes API.
 */
export class AksControlPlane extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly clusterId: pulumi.Output<string>;
  /** The Kubernetes API is usable by the deployer only once this assignment exists. */
  readonly deployerAccess: authorization.RoleAssignment;
  readonly cluster: containerservice.ManagedCluster;

  constructor(name: string, args: AksControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:azure:AksControlPlane', name, {}, opts);
    const { names, tags } = args;

    const identity = new managedidentity.UserAssignedIdentity(
      `${name}-identity`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: names.clusterIdentity,
        location: args.location,
        tags,
      },
      { parent: this },
    );
    const subnetAccess = new authorization.RoleAssignment(
      `${name}-identity-subnet`,
      {
        scope: args.nodesSubnetId,
        principalId: identity.principalId,
        // A new identity takes a while to replicate through Entra ID; the type lets Azure skip the lookup.
        principalType: 'ServicePrincipal',
        roleDefinitionId: pulumi
          .output(args.subscriptionId)
          .apply((subscriptionId) =>
            roleDefinitionId(subscriptionId, AZURE_BUILT_IN_ROLES.networkContributor),
          ),
        description: 'AKS joins nodes and load balancers to the deployment subnet',
      },
      { parent: this },
    );

    this.cluster = new containerservice.ManagedCluster(
      `${name}-aks`,
      {
        resourceGroupName: args.resourceGroupName,
        resourceName: names.cluster,
        location: args.location,
        dnsPrefix: names.dnsPrefix,
        nodeResourceGroup: names.nodeResourceGroup,
        kubernetesVersion: AKS_KUBERNETES_VERSION,
        sku: { name: 'Base', tier: 'Standard' },
        identity: { type: 'UserAssigned', userAssignedIdentities: [identity.id] },
        enableRBAC: true,
        disableLocalAccounts: true,
        aadProfile: { managed: true, enableAzureRBAC: true, tenantID: args.tenantId },
        oidcIssuerProfile: { enabled: true },
        securityProfile: { workloadIdentity: { enabled: true } },
        apiServerAccessProfile: args.apiServerAllowedCidrs
          ? { authorizedIPRanges: args.apiServerAllowedCidrs }
          : undefined,
        networkProfile: {
          networkPlugin: 'azure',
          networkPluginMode: 'overlay',
          networkDataplane: 'cilium',
          networkPolicy: 'cilium',
          podCidr: POD_CIDR,
          serviceCidr: SERVICE_CIDR,
          dnsServiceIP: DNS_SERVICE_IP,
          loadBalancerSku: 'standard',
          // The cluster's zone-redundant standard load balancer carries outbound traffic (image pulls, the
          // agent's reports); no NAT gateway, whose single zone would be a shared point of failure.
          outboundType: 'loadBalancer',
        },
        autoUpgradeProfile: { upgradeChannel: 'patch', nodeOSUpgradeChannel: 'NodeImage' },
        storageProfile: {
          diskCSIDriver: { enabled: true },
          fileCSIDriver: { enabled: false },
          blobCSIDriver: { enabled: false },
          snapshotController: { enabled: true },
        },
        agentPoolProfiles: [
          {
            ...nodePoolDefaults(args.nodesSubnetId),
            name: names.systemPool,
            mode: 'System',
            vmSize: args.systemPool.nodeSize,
            count: args.systemPool.nodeCount,
            enableAutoScaling: false,
            availabilityZones: [...args.zones],
            nodeLabels: { 'streamplane.io/workload': 'system' },
            upgradeSettings: { maxSurge: '33%' },
            tags,
          },
        ],
        tags,
      },
      { parent: this, dependsOn: [subnetAccess] },
    );

    this.deployerAccess = new authorization.RoleAssignment(
      `${name}-deployer-admin`,
      {
        scope: this.cluster.id,
        principalId: args.deployerObjectId,
        // Streamplane always deploys with a service principal (the customer's connected credentials).
        principalType: 'ServicePrincipal',
        roleDefinitionId: pulumi
          .output(args.subscriptionId)
          .apply((subscriptionId) =>
            roleDefinitionId(subscriptionId, AZURE_BUILT_IN_ROLES.aksRbacClusterAdmin),
          ),
        description: 'Streamplane installs and operates the Kafka platform on this cluster',
      },
      { parent: this },
    );

    this.clusterName = this.cluster.name;
    this.clusterId = this.cluster.id;
    this.registerOutputs({ clusterName: this.clusterName, clusterId: this.clusterId });
  }
}

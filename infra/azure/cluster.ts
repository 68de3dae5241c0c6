import * as pulumi from '@pulumi/pulumi';
import { getClientConfigOutput } from '@pulumi/azure-native/authorization';
import { listManagedClusterUserCredentialsOutput } from '@pulumi/azure-native/containerservice';
import * as resources from '@pulumi/azure-native/resources';
import { catalogFor } from '@streamplane/deployment-spec';
import { kafkaNodeMarkers, kafkaNodePlan } from '../cloud/kafka-nodes';
import { resourceTags, STREAMPLANE_TAG_KEYS } from '../cloud/tags';
import type { CloudClusterArgs, ClusterOutputs } from '../types';
import { AksControlPlane } from './aks';
import { decodeAksKubeconfig } from './kubeconfig';
import { azureNames } from './names';
import { AzureKafkaNetwork } from './network';
import { AksKafkaNodePools } from './node-pools';

/**
 * Everything a deployment needs in the customer's Azure subscription up to a running, empty AKS cluster:
 * resource group (or the customer's existing one), VNet, the cluster's managed identity, AKS with a system
 * pool over the spec's three zones, and Kafka pools per zone and role.
 *
 * Kafka volumes: Azure Disk CSI, Premium SSD v2, locally redundant and zonal (the StorageClass binds when
 * the pod is scheduled, so each disk lands in its broker's zone), encrypted at rest with platform-managed
 * keys. Customer-managed keys plug in through a DiskEncryptionSet (a Key Vault key, with the cluster
 * identity granted Reader on the set): its id goes into the StorageClass as `diskEncryptionSetID` (with
 * `diskEncryptionType: EncryptionAtRestWithCustomerKey`) and into the cluster's `diskEncryptionSetID` for
 * OS disks.
 */
export class AzureKafkaCluster extends pulumi.ComponentResource {
  readonly outputs: ClusterOutputs;

  constructor(name: string, args: CloudClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:azure:KafkaCluster', name, {}, opts);
    const { spec, deploymentId } = args;
    if (spec.cloud !== 'azure') throw new Error(`AzureKafkaCluster got a spec for cloud '${spec.cloud}'`);
    const location = spec.region;
    const names = azureNames(deploymentId);
    const tags = resourceTags(deploymentId, args.tags);
    const catalog = catalogFor('azure');
    const client = getClientConfigOutput({ parent: this });

    const resourceGroupName: pulumi.Output<string> = args.azureResourceGroupName
      ? pulumi.output(args.azureResourceGroupName)
      : new resources.ResourceGroup(
          `${name}-rg`,
          { resourceGroupName: names.resourceGroup, location, tags },
          { parent: this },
        ).name;

    const network = new AzureKafkaNetwork(
      `${name}-network`,
      { resourceGroupName, location, vnetName: names.vnet, nodesSubnetName: names.nodesSubnet, tags },
      { parent: this },
    );
    const controlPlane = new AksControlPlane(
      `${name}-aks`,
      {
        resourceGroupName,
        location,
        names,
        subscriptionId: client.subscriptionId,
        tenantId: client.tenantId,
        deployerObjectId: client.objectId,
        zones: spec.zones,
        nodesSubnetId: network.nodesSubnetId,
        systemPool: catalog.systemPool,
        apiServerAllowedCidrs: args.apiServerAllowedCidrs,
        tags,
      },
      { parent: this },
    );
    const kafkaPools = new AksKafkaNodePools(
      `${name}-kafka`,
      {
        resourceGroupName,
        clusterName: controlPlane.clusterName,
        names,
        nodesSubnetId: network.nodesSubnetId,
        plan: kafkaNodePlan(spec),
        nodeSizes: { brokers: spec.nodeSize, controllers: catalog.controllerPool.nodeSize },
        tags,
      },
      { parent: this },
    );

    // Asked for only once the deployer is cluster admin and every pool exists, so whoever uses it (the
    // platform's Kubernetes provider) starts when it is allowed in and workloads can be scheduled.
    const credentials = listManagedClusterUserCredentialsOutput(
      { resourceGroupName, resourceName: controlPlane.clusterName, format: 'exec' },
      { parent: this, dependsOn: [controlPlane.deployerAccess, ...kafkaPools.pools] },
    );
    const kubeconfig = credentials.kubeconfigs.apply((kubeconfigs) => decodeAksKubeconfig(kubeconfigs));

    this.outputs = {
      clusterName: controlPlane.clusterName,
      kubeconfig: pulumi.secret(kubeconfig),
      kafkaStorage: {
        provisioner: 'disk.csi.azure.com',
        parameters: {
          skuName: 'PremiumV2_LRS',
          // Premium SSD v2 has no host caching; Kafka relies on the page cache anyway.
          cachingMode: 'None',
          // No SAS export URL can be generated for a Kafka disk.
          networkAccessPolicy: 'DenyAll',
          'csi.storage.k8s.io/fstype': 'xfs',
          tags: [STREAMPLANE_TAG_KEYS.deploymentId, STREAMPLANE_TAG_KEYS.managedBy]
            .map((key) => `${key}=${tags[key]}`)
            .join(','),
        },
      },
      ...kafkaNodeMarkers(),
    };
    this.registerOutputs({ clusterName: this.outputs.clusterName, kubeconfig: this.outputs.kubeconfig });
  }
}

import * as eks from '@pulumi/aws/eks';
import * as pulumi from '@pulumi/pulumi';
import { getCallerIdentityOutput } from '@pulumi/aws/getCallerIdentity';
import { getPartitionOutput } from '@pulumi/aws/getPartition';
import { catalogFor } from '@streamplane/deployment-spec';
import { kafkaNodeMarkers, kafkaNodePlan } from '../cloud/kafka-nodes';
import { resourceTags, STREAMPLANE_TAG_KEYS } from '../cloud/tags';
import type { CloudClusterArgs, ClusterOutputs } from '../types';
import { EksControlPlane } from './control-plane';
import { EbsCsiDriver } from './ebs-csi';
import { DeploymentKey } from './key';
import { eksKubeconfig } from './kubeconfig';
import { awsNames } from './names';
import { AwsKafkaNetwork } from './network';
import { EksNodeGroups } from './node-groups';
import { CLUSTER_ROLE_POLICIES, NODE_ROLE_POLICIES, RoleWithPolicies, serviceTrustPolicy } from './roles';
import { EKS_KUBERNETES_VERSION } from './versions';

/**
 * Everything a deployment needs in the customer's AWS account up to a running, empty EKS cluster: VPC over the
 * spec's three zones, KMS key, IAM roles, the EKS control plane, node groups and the EBS CSI driver. Every
 * regional resource names the spec's region explicitly, so the result does not depend on provider config.
 */
export class AwsKafkaCluster extends pulumi.ComponentResource {
  readonly outputs: ClusterOutputs;

  constructor(name: string, args: CloudClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:aws:KafkaCluster', name, {}, opts);
    const { spec, deploymentId } = args;
    if (spec.cloud !== 'aws') throw new Error(`AwsKafkaCluster got a spec for cloud '${spec.cloud}'`);
    const region = spec.region;
    const names = awsNames(deploymentId);
    const tags = resourceTags(deploymentId, args.tags);
    const catalog = catalogFor('aws');

    const account = getCallerIdentityOutput({}, { parent: this });
    const partition = getPartitionOutput({}, { parent: this }).partition;

    const network = new AwsKafkaNetwork(
      `${name}-network`,
      { region, zones: spec.zones, baseName: names.base, clusterName: names.cluster, tags },
      { parent: this },
    );
    const key = new DeploymentKey(
      `${name}-key`,
      {
        region,
        partition,
        accountId: account.accountId,
        deployerArn: account.arn,
        aliasName: names.keyAlias,
        ebsCsiRoleName: names.ebsCsiRole,
        tags,
      },
      { parent: this },
    );
    const clusterRole = new RoleWithPolicies(
      `${name}-cluster-role`,
      {
        roleName: names.clusterRole,
        description: 'EKS control plane',
        assumeRolePolicy: serviceTrustPolicy('eks.amazonaws.com'),
        partition,
        managedPolicies: CLUSTER_ROLE_POLICIES,
        tags,
      },
      { parent: this },
    );
    const nodeRole = new RoleWithPolicies(
      `${name}-node-role`,
      {
        roleName: names.nodeRole,
        description: 'EKS nodes',
        assumeRolePolicy: serviceTrustPolicy('ec2.amazonaws.com'),
        partition,
        managedPolicies: NODE_ROLE_POLICIES,
        tags,
      },
      { parent: this },
    );

    const controlPlane = new EksControlPlane(
      `${name}-eks`,
      {
        region,
        clusterName: names.cluster,
        kubernetesVersion: EKS_KUBERNETES_VERSION,
        logGroupName: names.clusterLogGroup,
        securityGroupName: names.controlPlaneSecurityGroup,
        roleArn: clusterRole.arn,
        vpcId: network.vpcId,
        vpcCidr: network.vpcCidr,
        privateSubnetIds: network.privateSubnetIds,
        kmsKeyArn: key.keyArn,
        publicAccessCidrs: args.apiServerAllowedCidrs ?? ['0.0.0.0/0'],
        tags,
      },
      // Deleting the cluster role's policy before the cluster would leave EKS unable to clean up.
      { parent: this, dependsOn: clusterRole.attachments },
    );

    const nodeGroups = new EksNodeGroups(
      `${name}-nodes`,
      {
        region,
        names,
        clusterName: controlPlane.clusterName,
        kubernetesVersion: EKS_KUBERNETES_VERSION,
        nodeRoleArn: nodeRole.arn,
        kmsKeyArn: key.keyArn,
        privateSubnetIds: network.privateSubnetIds,
        plan: kafkaNodePlan(spec),
        nodeSizes: { brokers: spec.nodeSize, controllers: catalog.controllerPool.nodeSize },
        systemPool: catalog.systemPool,
        tags,
      },
      { parent: this, dependsOn: nodeRole.attachments },
    );

    const ebsCsi = new EbsCsiDriver(
      `${name}-ebs-csi`,
      {
        region,
        clusterName: controlPlane.clusterName,
        roleName: names.ebsCsiRole,
        partition,
        oidcProviderArn: controlPlane.oidcProviderArn,
        oidcIssuerHostPath: controlPlane.oidcIssuerHostPath,
        nodes: nodeGroups.nodeGroups,
        tags,
      },
      { parent: this },
    );

    // The VPC CNI is installed by EKS, but it enforces NetworkPolicies only when asked to. Without this, the
    // Kafka namespace's policies (Strimzi's and the platform's) would be accepted and silently do nothing.
    const vpcCni = new eks.Addon(
      `${name}-vpc-cni`,
      {
        region,
        clusterName: controlPlane.clusterName,
        addonName: 'vpc-cni',
        configurationValues: JSON.stringify({ enableNetworkPolicy: 'true' }),
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'PRESERVE',
        tags,
      },
      { parent: this },
    );

    // The kubeconfig resolves only once nodes and the storage driver are up, so whoever uses it (the
    // platform's Kubernetes provider) starts when workloads can actually be scheduled and get volumes.
    const kubeconfig = pulumi
      .all([
        controlPlane.clusterName,
        controlPlane.endpoint,
        controlPlane.certificateAuthorityData,
        ebsCsi.addon.id,
        vpcCni.id,
        ...nodeGroups.nodeGroups.map((nodeGroup) => nodeGroup.id),
      ])
      .apply(([clusterName, endpoint, certificateAuthorityData]) =>
        eksKubeconfig({ clusterName, endpoint, certificateAuthorityData, region }),
      );

    this.outputs = {
      clusterName: controlPlane.clusterName,
      kubeconfig: pulumi.secret(kubeconfig),
      kafkaStorage: {
        provisioner: 'ebs.csi.aws.com',
        parameters: {
          type: 'gp3',
          encrypted: 'true',
          // The alias, not the key ARN: known before the key exists, and EC2 resolves it on CreateVolume.
          kmsKeyId: names.keyAlias,
          'csi.storage.k8s.io/fstype': 'xfs',
          tagSpecification_1: `${STREAMPLANE_TAG_KEYS.deploymentId}=${deploymentId}`,
          tagSpecification_2: `${STREAMPLANE_TAG_KEYS.managedBy}=${tags[STREAMPLANE_TAG_KEYS.managedBy]}`,
        },
      },
      ...kafkaNodeMarkers(),
    };
    this.registerOutputs({ clusterName: this.outputs.clusterName, kubeconfig: this.outputs.kubeconfig });
  }
}

import * as pulumi from '@pulumi/pulumi';
import * as cloudwatch from '@pulumi/aws/cloudwatch';
import * as ec2 from '@pulumi/aws/ec2';
import * as eks from '@pulumi/aws/eks';
import * as iam from '@pulumi/aws/iam';
import * as vpc from '@pulumi/aws/vpc';
import { SERVICE_CIDR } from './network-plan';

export interface EksControlPlaneArgs {
  region: string;
  clusterName: string;
  kubernetesVersion: string;
  logGroupName: string;
  securityGroupName: string;
  roleArn: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  privateSubnetIds: pulumi.Input<string>[];
  kmsKeyArn: pulumi.Input<string>;
  /** Who may reach the public API endpoint; see CloudClusterArgs.apiServerAllowedCidrs. */
  publicAccessCidrs: string[];
  tags: Record<string, string>;
}

/** Control-plane logs are kept this long; audit logs are what an incident review needs first. */
const LOG_RETENTION_DAYS = 90;

/**
 * The EKS control plane.
 *
 * Endpoint: private access on (nodes and anything in the VPC talk to the API server without leaving it) and
 * public access on but limited to `publicAccessCidrs`, because Streamplane's provisioner applies the
 * Kubernetes side from outside the customer's network. Every request is still authenticated by IAM.
 *
 * Authentication mode API (access entries, not the aws-auth ConfigMap), with the creating principal (the
 * Streamplane role) as cluster admin so the provisioner can install the platform. Secrets are envelope-
 * encrypted with the deployment's KMS key; API, audit and authenticator logs go to CloudWatch.
 */
export class EksControlPlane extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly certificateAuthorityData: pulumi.Output<string>;
  /** The cluster's OIDC issuer without `https://`: the prefix of IRSA trust-policy condition keys. */
  readonly oidcIssuerHostPath: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;

  constructor(name: string, args: EksControlPlaneArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:aws:EksControlPlane', name, {}, opts);
    const { region, tags } = args;

    const logGroup = new cloudwatch.LogGroup(
      `${name}-logs`,
      { region, name: args.logGroupName, retentionInDays: LOG_RETENTION_DAYS, tags },
      { parent: this },
    );

    // EKS attaches its own cluster security group to the control plane and the nodes (node-to-node and
    // control-plane-to-node traffic). This extra one lets clients inside the VPC reach the private endpoint,
    // and nothing from outside it.
    const apiSecurityGroup = new ec2.SecurityGroup(
      `${name}-api`,
      {
        region,
        name: args.securityGroupName,
        description: 'Kubernetes API from inside the deployment VPC',
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...tags, Name: args.securityGroupName },
      },
      { parent: this },
    );
    new vpc.SecurityGroupIngressRule(
      `${name}-api-from-vpc`,
      {
        region,
        securityGroupId: apiSecurityGroup.id,
        description: 'HTTPS to the Kubernetes API from the VPC',
        ipProtocol: 'tcp',
        fromPort: 443,
        toPort: 443,
        cidrIpv4: args.vpcCidr,
        tags,
      },
      { parent: this },
    );

    const cluster = new eks.Cluster(
      `${name}-cluster`,
      {
        region,
        name: args.clusterName,
        version: args.kubernetesVersion,
        roleArn: args.roleArn,
        vpcConfig: {
          subnetIds: args.privateSubnetIds,
          securityGroupIds: [apiSecurityGroup.id],
          endpointPrivateAccess: true,
          endpointPublicAccess: true,
          publicAccessCidrs: args.publicAccessCidrs,
        },
        accessConfig: { authenticationMode: 'API', bootstrapClusterCreatorAdminPermissions: true },
        encryptionConfig: { resources: ['secrets'], provider: { keyArn: args.kmsKeyArn } },
        enabledClusterLogTypes: ['api', 'audit', 'authenticator'],
        kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: SERVICE_CIDR },
        // At the end of standard support AWS upgrades the cluster rather than moving it to extended support.
        upgradePolicy: { supportType: 'STANDARD' },
        tags,
      },
      { parent: this, dependsOn: [logGroup] },
    );

    const issuer = cluster.identities.apply((identities) => {
      const url = identities?.[0]?.oidcs?.[0]?.issuer;
      if (!url) throw new Error(`EKS cluster ${args.clusterName} reported no OIDC issuer`);
      return url;
    });
    // IRSA: pods exchange their service-account token for AWS credentials of a role trusting this provider.
    // No thumbprint: IAM trusts the EKS issuers' certificate authority itself.
    const oidcProvider = new iam.OpenIdConnectProvider(
      `${name}-oidc`,
      { url: issuer, clientIdLists: ['sts.amazonaws.com'], tags },
      { parent: this },
    );

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.certificateAuthorityData = cluster.certificateAuthority.data;
    this.oidcIssuerHostPath = issuer.apply((url) => url.replace(/^https:\/\//, ''));
    this.oidcProviderArn = oidcProvider.arn;
    this.registerOutputs({ clusterName: this.clusterName, endpoint: this.endpoint });
  }
}

import * as pulumi from '@pulumi/pulumi';
import * as eks from '@pulumi/aws/eks';
import type { PolicyDocument } from './policy-document';
import { AWS_MANAGED_POLICIES } from './managed-policies';
import { RoleWithPolicies } from './roles';

/** The controller's service account, as the EKS add-on creates it. */
export const EBS_CSI_SERVICE_ACCOUNT = { namespace: 'kube-system', name: 'ebs-csi-controller-sa' } as const;

export interface EbsCsiDriverArgs {
  region: string;
  clusterName: pulumi.Input<string>;
  roleName: string;
  partition: pulumi.Input<string>;
  oidcProviderArn: pulumi.Input<string>;
  oidcIssuerHostPath: pulumi.Input<string>;
  /** The add-on's controller needs nodes to run on before EKS reports it healthy. */
  nodes: pulumi.Resource[];
  tags: Record<string, string>;
}

/**
 * The EBS CSI driver as an EKS add-on (AWS keeps it patched), with its own IRSA role: only the controller's
 * service account can assume it. Its KMS use comes from the deployment key's policy, so the role needs no
 * inline policy. The node plugin tolerates every taint, so it also runs on the tainted Kafka nodes, where
 * the volumes are mounted.
 */
export class EbsCsiDriver extends pulumi.ComponentResource {
  readonly roleArn: pulumi.Output<string>;
  readonly addon: eks.Addon;

  constructor(name: string, args: EbsCsiDriverArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:aws:EbsCsiDriver', name, {}, opts);
    const trust = pulumi
      .all([args.oidcProviderArn, args.oidcIssuerHostPath])
      .apply(([providerArn, issuer]) => JSON.stringify(ebsCsiTrustPolicy(providerArn, issuer)));
    const role = new RoleWithPolicies(
      `${name}-irsa`,
      {
        roleName: args.roleName,
        description: 'EBS CSI driver controller (IRSA)',
        assumeRolePolicy: trust,
        partition: args.partition,
        managedPolicies: [AWS_MANAGED_POLICIES.ebsCsiDriver],
        tags: args.tags,
      },
      { parent: this },
    );
    // No addonVersion: EKS installs the default version for the cluster's Kubernetes version and it stays
    // there until changed on purpose (a "most recent" lookup would update the driver on any run).
    this.addon = new eks.Addon(
      `${name}-addon`,
      {
        region: args.region,
        clusterName: args.clusterName,
        addonName: 'aws-ebs-csi-driver',
        serviceAccountRoleArn: role.arn,
        configurationValues: JSON.stringify({ node: { tolerateAllTaints: true } }),
        resolveConflictsOnCreate: 'OVERWRITE',
        resolveConflictsOnUpdate: 'PRESERVE',
        tags: args.tags,
      },
      { parent: this, dependsOn: [...role.attachments, ...args.nodes] },
    );
    this.roleArn = role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}

/** Only the EBS CSI controller's service account, with the STS audience, may assume the role. */
export function ebsCsiTrustPolicy(oidcProviderArn: string, issuerHostPath: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: oidcProviderArn },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: {
          StringEquals: {
            [`${issuerHostPath}:sub`]: `system:serviceaccount:${EBS_CSI_SERVICE_ACCOUNT.namespace}:${EBS_CSI_SERVICE_ACCOUNT.name}`,
            [`${issuerHostPath}:aud`]: 'sts.amazonaws.com',
          },
        },
      },
    ],
  };
}

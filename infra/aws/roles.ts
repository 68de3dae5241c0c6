import * as pulumi from '@pulumi/pulumi';
import * as iam from '@pulumi/aws/iam';
import type { PolicyDocument } from './policy-document';
import { AWS_MANAGED_POLICIES, type AwsManagedPolicy, managedPolicyArn } from './managed-policies';

export interface RoleWithPoliciesArgs {
  roleName: string;
  description: string;
  assumeRolePolicy: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  managedPolicies: readonly AwsManagedPolicy[];
  tags: Record<string, string>;
}

/** An IAM role with AWS managed policies attached, and no inline policy (nothing the role can be handed later). */
export class RoleWithPolicies extends pulumi.ComponentResource {
  readonly arn: pulumi.Output<string>;
  readonly name: pulumi.Output<string>;
  /** The attachments: depend on them, not just the role, before anything uses the role's permissions. */
  readonly attachments: iam.RolePolicyAttachment[];

  constructor(name: string, args: RoleWithPoliciesArgs, opts?: pulumi.ComponentResourceOptions) {
    super('streamplane:aws:Role', name, {}, opts);
    const role = new iam.Role(
      `${name}-role`,
      {
        name: args.roleName,
        description: args.description,
        assumeRolePolicy: args.assumeRolePolicy,
        tags: args.tags,
      },
      { parent: this },
    );
    this.attachments = args.managedPolicies.map(
      (policy) =>
        new iam.RolePolicyAttachment(
          `${name}-${policy.split('/').pop()}`,
          {
            role: role.name,
            policyArn: pulumi
              .output(args.partition)
              .apply((partition) => managedPolicyArn(partition, policy)),
          },
          { parent: this },
        ),
    );
    this.arn = role.arn;
    this.name = role.name;
    this.registerOutputs({ arn: this.arn });
  }
}

/** Trust policy letting one AWS service assume a role. */
export function serviceTrustPolicy(service: string): string {
  const document: PolicyDocument = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }],
  };
  return JSON.stringify(document);
}

/** The EKS control plane's role: AmazonEKSClusterPolicy only. */
export const CLUSTER_ROLE_POLICIES: readonly AwsManagedPolicy[] = [AWS_MANAGED_POLICIES.eksCluster];

/**
 * The nodes' role: joining the cluster, the VPC CNI, pulling images. Pods that need AWS get their own role
 * through IRSA (the EBS CSI driver does), and the nodes' IMDS hop limit of 1 keeps pods from borrowing this one.
 */
export const NODE_ROLE_POLICIES: readonly AwsManagedPolicy[] = [
  AWS_MANAGED_POLICIES.eksWorkerNode,
  AWS_MANAGED_POLICIES.eksCni,
  AWS_MANAGED_POLICIES.ecrPullOnly,
];

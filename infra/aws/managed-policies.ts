/**
 * The AWS managed policies the program attaches, and nothing else: the permission policy lets the
 * Streamplane role attach exactly these (condition on iam:PolicyARN), so it cannot hand a role more.
 */
export const AWS_MANAGED_POLICIES = {
  eksCluster: 'AmazonEKSClusterPolicy',
  eksWorkerNode: 'AmazonEKSWorkerNodePolicy',
  /** The VPC CNI (aws-node) runs with the node role's credentials. */
  eksCni: 'AmazonEKS_CNI_Policy',
  /** Pull-only: narrower than AmazonEC2ContainerRegistryReadOnly (no listing or describing repositories). */
  ecrPullOnly: 'AmazonEC2ContainerRegistryPullOnly',
  ebsCsiDriver: 'service-role/AmazonEBSCSIDriverPolicy',
} as const;

export type AwsManagedPolicy = (typeof AWS_MANAGED_POLICIES)[keyof typeof AWS_MANAGED_POLICIES];

export function managedPolicyArn(partition: string, policy: AwsManagedPolicy): string {
  return `arn:${partition}:iam::aws:policy/${policy}`;
}

import { deploymentBaseName } from '../cloud/naming';
import type { KafkaNodeRole } from '../cloud/kafka-nodes';

/**
 * Physical names of a deployment's AWS resources. IAM roles, the EKS cluster and its log group are named
 * (not auto-named) because the customer's permission policy is scoped to their `streamplane-` prefix.
 */
export function awsNames(deploymentId: string) {
  const base = deploymentBaseName(deploymentId);
  return {
    base,
    cluster: base,
    /** EKS sends control-plane logs to this group; creating it first gives it a retention and lets destroy remove it. */
    clusterLogGroup: `/aws/eks/${base}/cluster`,
    clusterRole: `${base}-cluster`,
    nodeRole: `${base}-node`,
    ebsCsiRole: `${base}-ebs-csi`,
    /** Known before the key exists, so the StorageClass parameters stay plain strings. */
    keyAlias: `alias/${base}`,
    launchTemplate: `${base}-nodes`,
    controlPlaneSecurityGroup: `${base}-control-plane`,
    systemNodeGroup: `${base}-system`,
    kafkaNodeGroup: (role: KafkaNodeRole, zone: string) => `${base}-${role}-${zone}`,
  };
}

export type AwsNames = ReturnType<typeof awsNames>;

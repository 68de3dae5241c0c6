/**
 * The Kubernetes minor every EKS cluster runs. Pinned, not "latest": a new minor changes APIs the platform
 * uses, so it is bumped deliberately, together with the node groups (which follow the cluster's version).
 * 1.35 is in EKS standard support until early 2027; the cluster's upgrade policy is STANDARD, so AWS upgrades
 * it at the end of standard support instead of silently billing extended support ($0.60/h instead of $0.10).
 */
export const EKS_KUBERNETES_VERSION = '1.35';

/** EKS-optimised Amazon Linux 2023 images (AL2 images end with Kubernetes 1.32). */
export const EKS_AMI_TYPES = { x86: 'AL2023_x86_64_STANDARD', arm: 'AL2023_ARM_64_STANDARD' } as const;

/** Graviton instance families carry a 'g' right after the generation: m7g, r7gd, c7gn, x2gd. */
export function eksAmiTypeFor(instanceType: string): string {
  return /^[a-z]+\d+g[a-z]*\./.test(instanceType) ? EKS_AMI_TYPES.arm : EKS_AMI_TYPES.x86;
}

/** Root volume of every node (the EKS managed node group default size, as priced in the catalog). */
export const NODE_ROOT_VOLUME_GIB = 20;

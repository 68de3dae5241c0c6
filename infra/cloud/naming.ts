/**
 * Every cloud resource a deployment creates is named `streamplane-<slug>-…`. The fixed prefix is what the
 * customer's permission grant is scoped to (IAM role, EKS cluster and log group ARNs accept name wildcards),
 * so a Streamplane role cannot touch the customer's own roles or clusters. The slug ties a resource to its
 * deployment and keeps names short enough for the tightest limits (IAM role names: 64 characters, AKS node
 * pool names: 12).
 */
export const RESOURCE_NAME_PREFIX = 'streamplane';

const SLUG_LENGTH = 8;

/** The first 8 letters/digits of the deployment id (a uuid: 32 bits of it, unique enough within one account). */
export function deploymentSlug(deploymentId: string): string {
  const slug = deploymentId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, SLUG_LENGTH);
  if (slug.length < SLUG_LENGTH) {
    throw new Error(`deployment id '${deploymentId}' has fewer than ${SLUG_LENGTH} letters or digits`);
  }
  return slug;
}

/** `streamplane-<slug>`: the stem every physical name of the deployment starts with. */
export function deploymentBaseName(deploymentId: string): string {
  return `${RESOURCE_NAME_PREFIX}-${deploymentSlug(deploymentId)}`;
}

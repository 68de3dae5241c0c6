/**
 * Streamplane's own tags, on every cloud resource of a deployment (spec tags may not use the `streamplane`
 * prefix, see SPEC_LIMITS.tags). `managed-by` is what the AWS permission policy's tag conditions check:
 * the Streamplane role may change or delete only what carries it. Keys avoid '/', which Azure forbids.
 */
export const STREAMPLANE_TAG_KEYS = {
  deploymentId: 'streamplane:deployment-id',
  managedBy: 'streamplane:managed-by',
} as const;

export const MANAGED_BY_VALUE = 'streamplane';

/** Streamplane's own tags for one deployment. */
export function streamplaneTags(deploymentId: string): Record<string, string> {
  return {
    [STREAMPLANE_TAG_KEYS.deploymentId]: deploymentId,
    [STREAMPLANE_TAG_KEYS.managedBy]: MANAGED_BY_VALUE,
  };
}

/**
 * The tags a cloud component puts on its resources: the caller's (spec tags plus Streamplane's) with
 * Streamplane's own applied last, so the permission policy's conditions hold whatever the caller passed.
 */
export function resourceTags(deploymentId: string, tags: Record<string, string>): Record<string, string> {
  return { ...tags, ...streamplaneTags(deploymentId) };
}

/** Azure built-in role definitions the program assigns (their ids are the same in every tenant). */
export const AZURE_BUILT_IN_ROLES = {
  /**
   * On the nodes subnet, for the cluster's identity: AKS joins nodes and load balancers to a subnet it
   * does not own. (AKS documents this role; a custom role with subnets join/read would be narrower but
   * would need roleDefinitions/write.)
   */
  networkContributor: '4d97b98b-1d4f-4787-a291-c67834d212e7',
  /** On the cluster, for the principal that deploys: the Kubernetes API with local accounts disabled. */
  aksRbacClusterAdmin: 'b1ff04bb-8a4e-4dc4-8eb5-8693973ce19b',
} as const;

export function roleDefinitionId(subscriptionId: string, roleId: string): string {
  return `/subscriptions/${subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${roleId}`;
}

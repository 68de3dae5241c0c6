import type { Role } from '../generated/graphql';

/** OWNER > ADMIN > MEMBER > VIEWER. */
const RANK: Record<Role, number> = { VIEWER: 0, MEMBER: 1, ADMIN: 2, OWNER: 3 };

export function atLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

/**
 * The least role each operation the dashboard offers needs — the api's access policy
 * (apps/api/src/auth/__snapshots__/access-policy.spec.ts.snap; permissions.test.ts fails when they differ).
 * A control whose operation the viewer's role cannot call is not shown at all.
 */
export const REQUIRED_ROLE = {
  'Mutation.connectAwsAccount': 'ADMIN',
  'Mutation.connectAzureAccount': 'ADMIN',
  'Mutation.verifyCloudAccount': 'ADMIN',
  'Mutation.updateCloudAccount': 'ADMIN',
  'Mutation.deleteCloudAccount': 'ADMIN',
  'Query.previewDeployment': 'MEMBER',
  'Mutation.createDeployment': 'MEMBER',
  'Query.previewChange': 'MEMBER',
  'Mutation.scaleDeployment': 'MEMBER',
  'Mutation.destroyDeployment': 'ADMIN',
  'Mutation.retryOperation': 'MEMBER',
  'Mutation.cancelOperation': 'MEMBER',
  'Mutation.approveUpgrade': 'ADMIN',
  'Mutation.declineUpgrade': 'ADMIN',
  'Mutation.rotateAgentToken': 'ADMIN',
  'Query.invitations': 'ADMIN',
  'Mutation.inviteMember': 'ADMIN',
  'Mutation.revokeInvitation': 'ADMIN',
  'Mutation.changeMemberRole': 'ADMIN',
  'Mutation.removeMember': 'ADMIN',
  'Query.apiTokens': 'MEMBER',
  'Mutation.createApiToken': 'MEMBER',
  'Mutation.revokeApiToken': 'MEMBER',
  'Query.auditLog': 'ADMIN',
  'Mutation.updateOrganization': 'ADMIN',
  'Query.invoices': 'ADMIN',
  'Query.invoice': 'ADMIN',
  'Mutation.markNotificationRead': 'MEMBER',
  'Mutation.createPipeline': 'MEMBER',
  'Mutation.updatePipeline': 'MEMBER',
  'Mutation.deployPipeline': 'MEMBER',
  'Mutation.pausePipeline': 'MEMBER',
  'Mutation.resumePipeline': 'MEMBER',
  'Mutation.deletePipeline': 'MEMBER',
  'Mutation.createReplicationLink': 'MEMBER',
  'Mutation.updateReplicationLink': 'MEMBER',
  'Mutation.deleteReplicationLink': 'MEMBER',
  'Mutation.retryReplicationLink': 'MEMBER',
  'Mutation.failoverReplicationLink': 'ADMIN',
  'Mutation.failbackReplicationLink': 'ADMIN',
} as const satisfies Record<string, Role>;

export type Operation = keyof typeof REQUIRED_ROLE;

export function can(role: Role | undefined, operation: Operation): boolean {
  return role !== undefined && atLeast(role, REQUIRED_ROLE[operation]);
}

/** API token scopes a person may grant: never above their own role. */
export function grantableScopes(role: Role): ('READ' | 'WRITE' | 'ADMIN')[] {
  if (atLeast(role, 'ADMIN')) return ['READ', 'WRITE', 'ADMIN'];
  if (atLeast(role, 'MEMBER')) return ['READ', 'WRITE'];
  return ['READ'];
}

/** Roles a person may give (invite as, or change to): an OWNER any; an ADMIN only MEMBER and VIEWER. */
export function assignableRoles(role: Role): Role[] {
  if (role === 'OWNER') return ['VIEWER', 'MEMBER', 'ADMIN', 'OWNER'];
  if (role === 'ADMIN') return ['VIEWER', 'MEMBER'];
  return [];
}

/** Whether `role` may change or remove a member who has `memberRole` (OWNERs and ADMINs: OWNERs only). */
export function canManageMember(role: Role, memberRole: Role): boolean {
  if (role === 'OWNER') return true;
  return role === 'ADMIN' && (memberRole === 'MEMBER' || memberRole === 'VIEWER');
}

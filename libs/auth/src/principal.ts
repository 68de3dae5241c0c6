import type { Actor } from '@streamplane/audit';
import { ActorType, ApiTokenScope, Role } from '@streamplane/db';
import { assertNever } from '@streamplane/errors';

/**
 * The authenticated caller. Its `orgId` comes from the credential (session or API token), never
 * from client input, and every query a resolver makes is scoped to it.
 */
export interface Principal {
  type: 'USER' | 'API_TOKEN';
  /** The signed-in user; for an API token, the user who created it. */
  userId: string;
  orgId: string;
  /** Effective role: the membership's, capped by the token's scopes for API tokens. */
  role: Role;
  sessionId?: string;
  apiTokenId?: string;
}

const RANK: Record<Role, number> = { VIEWER: 1, MEMBER: 2, ADMIN: 3, OWNER: 4 };

export function roleAtLeast(role: Role, required: Role): boolean {
  return RANK[role] >= RANK[required];
}

export function lowerRole(a: Role, b: Role): Role {
  return RANK[a] <= RANK[b] ? a : b;
}

/** The strongest of some roles; VIEWER when there are none. */
export function highestRole(roles: Role[]): Role {
  return roles.reduce((best, role) => (RANK[role] > RANK[best] ? role : best), Role.VIEWER as Role);
}

/** The most a token with this scope may do, expressed as a role. */
export function roleOfScope(scope: ApiTokenScope): Role {
  switch (scope) {
    case ApiTokenScope.READ:
      return Role.VIEWER;
    case ApiTokenScope.WRITE:
      return Role.MEMBER;
    case ApiTokenScope.ADMIN:
      return Role.ADMIN;
    default:
      return assertNever(scope);
  }
}

export function actorOf(principal: Principal): Actor {
  return principal.type === 'API_TOKEN'
    ? { orgId: principal.orgId, actorType: ActorType.API_TOKEN, actorId: principal.apiTokenId }
    : { orgId: principal.orgId, actorType: ActorType.USER, actorId: principal.userId };
}

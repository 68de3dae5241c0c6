import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { assignableRoles, can, canManageMember, grantableScopes, REQUIRED_ROLE } from './permissions';

/** The api's pinned access policy: `Query.me: VIEWER` lines. */
function apiPolicy(): Map<string, string> {
  const snapshot = readFileSync(
    resolve(__dirname, '../../../api/src/auth/__snapshots__/access-policy.spec.ts.snap'),
    'utf8',
  );
  return new Map(
    [...snapshot.matchAll(/"((?:Query|Mutation|Subscription)\.\w+): (\w+)"/g)].map((m) => [m[1], m[2]]),
  );
}

describe('who sees which controls', () => {
  it('needs exactly the role the api requires for every operation it offers a control for', () => {
    const policy = apiPolicy();
    for (const [operation, role] of Object.entries(REQUIRED_ROLE)) {
      // Operations the api does not list yet (new ones) are checked once they are in its snapshot.
      if (policy.has(operation))
        expect(`${operation}: ${role}`).toBe(`${operation}: ${policy.get(operation)}`);
    }
    expect([...policy.keys()].filter((operation) => operation in REQUIRED_ROLE).length).toBeGreaterThan(20);
  });

  it('gives a viewer no control that changes anything', () => {
    for (const operation of Object.keys(REQUIRED_ROLE) as (keyof typeof REQUIRED_ROLE)[]) {
      expect({ operation, allowed: can('VIEWER', operation) }).toEqual({ operation, allowed: false });
    }
  });

  it('lets members order and scale, and only admins destroy, approve upgrades and manage people', () => {
    expect(can('MEMBER', 'Mutation.createDeployment')).toBe(true);
    expect(can('MEMBER', 'Mutation.scaleDeployment')).toBe(true);
    expect(can('MEMBER', 'Mutation.destroyDeployment')).toBe(false);
    expect(can('ADMIN', 'Mutation.destroyDeployment')).toBe(true);
    expect(can('MEMBER', 'Mutation.approveUpgrade')).toBe(false);
    expect(can('OWNER', 'Mutation.inviteMember')).toBe(true);
    expect(can(undefined, 'Query.apiTokens')).toBe(false);
  });

  it('never offers a token scope or a role above the person’s own', () => {
    expect(grantableScopes('VIEWER')).toEqual(['READ']);
    expect(grantableScopes('MEMBER')).toEqual(['READ', 'WRITE']);
    expect(grantableScopes('ADMIN')).toEqual(['READ', 'WRITE', 'ADMIN']);
    expect(assignableRoles('ADMIN')).toEqual(['VIEWER', 'MEMBER']);
    expect(assignableRoles('OWNER')).toContain('OWNER');
    expect(assignableRoles('MEMBER')).toEqual([]);
    expect(canManageMember('ADMIN', 'ADMIN')).toBe(false);
    expect(canManageMember('ADMIN', 'VIEWER')).toBe(true);
    expect(canManageMember('OWNER', 'OWNER')).toBe(true);
  });
});

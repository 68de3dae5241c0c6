import {
  createToken,
  deploymentCallFixtures,
  invite,
  joinAs,
  membershipIdOf,
  setUpDeployments,
  type Joined,
} from './fixtures';
import { billingCallFixtures, setUpBilling } from './billing-fixtures';
import { replicationCallFixtures } from './replication-fixtures';
import { callFor, fetchOperations, type CallFixtures, type Operation } from './graphql-calls';
import { describeResult, expectOk, startTestApi, uniqueEmail, wholeDatabase } from './harness';
import type { ApiClient, GqlResult, SignedUp, TestApi } from './harness';

/**
 * Roles, end to end. Every Mutation of the running schema is called by a VIEWER of the organization
 * (browser session) and by a READ-scope API token, with arguments that point at real objects of that
 * organization; each must be FORBIDDEN and write nothing. Then the rules between the writing roles.
 */

/** Mutations a VIEWER may call, with the reason. Everything else must refuse them. */
const VIEWER_MAY_CALL: Record<string, string> = {
  acceptInvitation:
    'joining another organization is open to anyone signed in; the invitation is checked against their email',
};

/**
 * Why a VIEWER is refused: its role, or (for a token) not being a person. FORBIDDEN for another reason,
 * such as a missing CSRF header, would say nothing about roles.
 */
const ROLE_REFUSALS = ['INSUFFICIENT_ROLE', 'USER_SESSION_REQUIRED'];

const INVITE =
  'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { link invitation { id } } }';
const CHANGE_ROLE = 'mutation($m: ID!, $r: Role!) { changeMemberRole(memberId: $m, role: $r) { id role } }';
const REMOVE = 'mutation($m: ID!) { removeMember(memberId: $m) { id } }';

describe('roles', () => {
  let api: TestApi;
  /** Every Mutation of the running schema. */
  let mutations: Operation[];
  let orgA: SignedUp;
  let owner: ApiClient;
  let admin: Joined;
  let member: Joined;
  let viewer: Joined;
  let readToken: ApiClient;
  /**
   * ID argument name → an object of the organization the call would otherwise succeed on; per operation,
   * objects of its own and valid argument values, so that a refusal is about the role, not the input.
   */
  let targets: CallFixtures;

  /** Runs `call` and asserts it wrote nothing anywhere. */
  async function expectNoWrites(call: () => Promise<GqlResult>): Promise<GqlResult> {
    const before = await wholeDatabase(api.prisma);
    const result = await call();
    expect(await wholeDatabase(api.prisma)).toEqual(before);
    return result;
  }

  beforeAll(async () => {
    // The standard introspection query nests 15 levels; the default depth limit (8) is for clients' queries.
    api = await startTestApi({ GRAPHQL_MAX_DEPTH: '20' });
    mutations = (await fetchOperations(api.client())).filter((op) => op.kind === 'mutation');

    owner = api.client();
    orgA = await owner.signup();
    admin = await joinAs(api, owner, orgA.organization.id, 'ADMIN');
    member = await joinAs(api, owner, orgA.organization.id, 'MEMBER');
    viewer = await joinAs(api, owner, orgA.organization.id, 'VIEWER');
    readToken = api.client().withBearer((await createToken(admin.client, ['READ'])).secret);
    const pending = await invite(owner, uniqueEmail('pending'), 'MEMBER');
    // Cloud accounts, deployments, operations and upgrade proposals, each in a state its calls succeed on.
    const deploymentCalls = deploymentCallFixtures(await setUpDeployments(api, admin.client));
    const billingCalls = billingCallFixtures(
      await setUpBilling(api, orgA.organization.id, deploymentCalls.ids.deploymentId),
    );
    const replicationCalls = await replicationCallFixtures(api, admin.client);
    targets = {
      ids: {
        memberId: member.membershipId,
        invitationId: pending.invitationId,
        tokenId: (await createToken(admin.client, ['WRITE'])).id,
        ...deploymentCalls.ids,
        ...billingCalls.ids,
        ...replicationCalls.ids,
      },
      perOperation: { ...deploymentCalls.perOperation, ...replicationCalls.perOperation },
    };
  });

  afterAll(async () => {
    await api?.close();
  });

  it('the VIEWER and the READ token act in the organization, as VIEWERs', async () => {
    for (const client of [viewer.client, readToken]) {
      const me = expectOk(await client.gql('{ me { role organization { id } } }'), 'me');
      expect(me.me).toEqual({ role: 'VIEWER', organization: { id: orgA.organization.id } });
    }
    expect(mutations.map((m) => m.field.name)).toEqual(
      expect.arrayContaining(['inviteMember', 'removeMember', 'createApiToken']),
    );
    expect(
      Object.keys(VIEWER_MAY_CALL).filter((name) => !mutations.some((m) => m.field.name === name)),
    ).toEqual([]);
  });

  it.each([
    ['a VIEWER (browser session)', 'session'],
    ['a READ-scope API token created by an ADMIN', 'token'],
  ] as const)('every Mutation is FORBIDDEN to %s and writes nothing', async (_label, principal) => {
    const client = principal === 'session' ? viewer.client : readToken;
    const problems: string[] = [];
    const checked: string[] = [];
    for (const op of mutations) {
      const mutation = op.field;
      // A browser-session VIEWER may accept invitations; an API token never may (it is not a person).
      if (principal === 'session' && mutation.name in VIEWER_MAY_CALL) continue;
      const call = callFor(op, targets);
      const before = await wholeDatabase(api.prisma);
      const result = await client.gql(call.query, call.variables);
      const after = await wholeDatabase(api.prisma);
      const [error, ...more] = result.errors ?? [];
      const refused =
        error?.extensions.code === 'FORBIDDEN' &&
        ROLE_REFUSALS.includes(error.extensions.reason) &&
        more.length === 0;
      if (!refused || result.data?.[mutation.name] != null) {
        problems.push(
          `${mutation.name}: expected FORBIDDEN (${ROLE_REFUSALS.join(' or ')}), got ${describeResult(result)}`,
        );
      }
      try {
        expect(after).toEqual(before);
      } catch (error) {
        problems.push(`${mutation.name} wrote to the database:\n${(error as Error).message}`);
      }
      checked.push(mutation.name);
    }
    expect(problems).toEqual([]);
    expect(checked.length).toBeGreaterThanOrEqual(mutations.length - Object.keys(VIEWER_MAY_CALL).length);
  });

  it('a MEMBER cannot invite', async () => {
    const result = await expectNoWrites(() =>
      member.client.gql(INVITE, { input: { email: uniqueEmail('by-member'), role: 'VIEWER' } }),
    );
    expect(result.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' }),
    ]);
  });

  it('an ADMIN cannot make anyone OWNER, by promotion or by invitation', async () => {
    const promoted = await expectNoWrites(() =>
      admin.client.gql(CHANGE_ROLE, { m: member.membershipId, r: 'OWNER' }),
    );
    expect(promoted.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'OWNER_ONLY' }),
    ]);
    const invited = await expectNoWrites(() =>
      admin.client.gql(INVITE, { input: { email: uniqueEmail('owner'), role: 'OWNER' } }),
    );
    expect(invited.errors?.map((e) => e.extensions)).toEqual([
      expect.objectContaining({ code: 'FORBIDDEN', reason: 'OWNER_ONLY' }),
    ]);
    // …while managing a MEMBER is within an ADMIN's rights (so the refusals above are about OWNER).
    expectOk(
      await admin.client.gql(CHANGE_ROLE, { m: member.membershipId, r: 'MEMBER' }),
      'an ADMIN changing a MEMBER',
    );
  });

  it('the last OWNER can neither be demoted nor removed', async () => {
    const ownerMembershipId = await membershipIdOf(owner, orgA.email);
    for (const [what, call] of [
      ['demoting', () => owner.gql(CHANGE_ROLE, { m: ownerMembershipId, r: 'ADMIN' })],
      ['removing', () => owner.gql(REMOVE, { m: ownerMembershipId })],
    ] as const) {
      const result = await expectNoWrites(call);
      expect({ what, errors: result.errors?.map((e) => e.extensions) }).toEqual({
        what,
        errors: [expect.objectContaining({ code: 'CONFLICT', reason: 'LAST_OWNER' })],
      });
    }
    const stillOwner = await api.prisma.membership.findUniqueOrThrow({ where: { id: ownerMembershipId } });
    expect(stillOwner.role).toBe('OWNER');
  });

  it('removing a member ends their session and their API tokens: the next request is UNAUTHENTICATED', async () => {
    const leaving = await joinAs(api, owner, orgA.organization.id, 'MEMBER');
    const token = api.client().withBearer((await createToken(leaving.client, ['WRITE'])).secret);
    expectOk(await leaving.client.gql('{ me { role } }'), 'before removal, the member');
    expectOk(await token.gql('{ me { role } }'), "before removal, the member's token");

    expectOk(await owner.gql(REMOVE, { m: leaving.membershipId }), 'removing the member');

    const next = await leaving.client.gql('{ members { id } }');
    expect(next.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    expect(next.data?.members ?? null).toBeNull();
    const byToken = await token.gql('{ members { id } }');
    expect(byToken.errors?.map((e) => e.extensions.code)).toEqual(['UNAUTHENTICATED']);
    // Nor can the ended session be refreshed back to life.
    const refreshed = await leaving.client.post('/v1/auth/refresh');
    expect(refreshed.status).toBe(401);
    const session = await api.prisma.session.findFirstOrThrow({
      where: { userId: leaving.signedUp.user.id, orgId: orgA.organization.id },
    });
    expect(session).toMatchObject({ revokedAt: expect.any(Date), revokedReason: 'MEMBERSHIP_REMOVED' });
  });
});

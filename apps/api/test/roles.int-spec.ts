import type { PrismaService } from '@streamplane/db';
import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLOutputType,
  type IntrospectionQuery,
} from 'graphql';
import { randomBytes, randomUUID } from 'node:crypto';
import {
  databaseSnapshot,
  startTestApi,
  uniqueEmail,
  type ApiClient,
  type GqlResult,
  type SignedUp,
  type TestApi,
} from './harness';

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

// ---------------------------------------------------------------------------------------------------
// Calls generated from the schema (the same approach as tenant-isolation.int-spec.ts, kept minimal)

type Mutation = GraphQLField<unknown, unknown>;

const PREFERRED_ENUM_VALUES: Record<string, string> = { Role: 'VIEWER', ApiTokenScope: 'READ' };

function valueFor(name: string, type: GraphQLInputType, ids: Record<string, string>): unknown {
  if (!isNonNullType(type)) return undefined; // optional inputs are left out
  const inner = type.ofType;
  if (isListType(inner)) return [valueFor(name, inner.ofType, ids)];
  if (isEnumType(inner)) {
    const values = inner.getValues().map((v) => v.name);
    return values.includes(PREFERRED_ENUM_VALUES[inner.name]) ? PREFERRED_ENUM_VALUES[inner.name] : values[0];
  }
  if (isInputObjectType(inner)) {
    const fields = Object.values(inner.getFields()).map(
      (f) => [f.name, valueFor(f.name, f.type, ids)] as const,
    );
    return Object.fromEntries(fields.filter(([, value]) => value !== undefined));
  }
  switch (inner.name) {
    case 'ID':
      if (!(name in ids))
        throw new Error(`No fixture for the ID argument "${name}": add one to targets in beforeAll`);
      return ids[name];
    case 'String':
      if (/email/i.test(name)) return uniqueEmail('probe');
      if (/token/i.test(name)) return `probe-${randomBytes(16).toString('hex')}`;
      return `Probe ${randomUUID().slice(0, 8)}`;
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return false;
    case 'DateTime':
      return new Date(Date.now() + 30 * 86_400_000).toISOString();
    default:
      throw new Error(
        `No value generator for scalar ${inner.name} (argument ${name}): add one to valueFor()`,
      );
  }
}

function selectionFor(type: GraphQLOutputType): string {
  const named = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named)) return '{ __typename }';
  const leaves = Object.values(named.getFields()).filter(
    (f) => f.args.length === 0 && isLeafType(getNamedType(f.type)),
  );
  return `{ ${leaves.length > 0 ? leaves.map((f) => f.name).join(' ') : '__typename'} }`;
}

function callFor(
  field: Mutation,
  ids: Record<string, string>,
): { query: string; variables: Record<string, unknown> } {
  const args = field.args
    .map((arg) => ({ arg, value: valueFor(arg.name, arg.type, ids) }))
    .filter(({ value }) => value !== undefined);
  const definitions = args.map(({ arg }) => `$${arg.name}: ${String(arg.type)}`).join(', ');
  const passed = args.map(({ arg }) => `${arg.name}: $${arg.name}`).join(', ');
  return {
    query: `mutation Probe${definitions ? `(${definitions})` : ''} { ${field.name}${passed ? `(${passed})` : ''} ${selectionFor(field.type)} }`,
    variables: Object.fromEntries(args.map(({ arg, value }) => [arg.name, value])),
  };
}

// ---------------------------------------------------------------------------------------------------

/** The whole database; API tokens without last_used_at, which moves whenever a token authenticates. */
async function wholeDatabase(prisma: PrismaService) {
  return {
    tables: await databaseSnapshot(prisma, ['api_tokens']),
    apiTokens: await prisma.apiToken.findMany({ omit: { lastUsedAt: true }, orderBy: { id: 'asc' } }),
  };
}

function describeResult(result: GqlResult): string {
  return JSON.stringify({
    status: result.status,
    data: result.data,
    errors: result.errors?.map((e) => e.extensions),
  });
}

function expectOk(result: GqlResult, what: string): GqlResult['data'] {
  if (result.errors?.length || !result.data) throw new Error(`${what} failed: ${describeResult(result)}`);
  return result.data;
}

const INVITE =
  'mutation($input: InviteMemberInput!) { inviteMember(input: $input) { link invitation { id } } }';
const CHANGE_ROLE = 'mutation($m: ID!, $r: Role!) { changeMemberRole(memberId: $m, role: $r) { id role } }';
const REMOVE = 'mutation($m: ID!) { removeMember(memberId: $m) { id } }';

describe('roles', () => {
  let api: TestApi;
  let mutations: Mutation[];
  let orgA: SignedUp;
  let owner: ApiClient;
  let admin: Awaited<ReturnType<typeof joinAs>>;
  let member: Awaited<ReturnType<typeof joinAs>>;
  let viewer: Awaited<ReturnType<typeof joinAs>>;
  let readToken: ApiClient;
  /** ID argument name → an object of the organization the call would otherwise succeed on. */
  let targets: Record<string, string>;

  async function joinAs(role: string, inviter: ApiClient = owner, orgId = orgA.organization.id) {
    const email = uniqueEmail(role.toLowerCase());
    const invited = expectOk(await inviter.gql(INVITE, { input: { email, role } }), `inviting a ${role}`);
    const token = new URL(invited.inviteMember.link as string).searchParams.get('token');
    const client = api.client();
    const signedUp = await client.signup({ email });
    expectOk(
      await client.gql('mutation($t: String!) { acceptInvitation(token: $t) { role } }', { t: token }),
      'accepting',
    );
    const switched = await client.post('/v1/auth/switch-organization', { organizationId: orgId });
    if (switched.status !== 200) throw new Error(`switching failed: ${JSON.stringify(switched.body)}`);
    const members = expectOk(await inviter.gql('{ members { id user { email } } }'), 'listing members');
    const membershipId = (members.members as { id: string; user: { email: string } }[]).find(
      (m) => m.user.email === email,
    )!.id;
    return { client, signedUp, email, membershipId };
  }

  async function createToken(client: ApiClient, scopes: string[]) {
    const data = expectOk(
      await client.gql(
        'mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { secret apiToken { id prefix } } }',
        {
          input: { name: `token ${randomUUID().slice(0, 8)}`, scopes },
        },
      ),
      'creating an API token',
    );
    const { apiToken, secret } = data.createApiToken as {
      apiToken: { id: string; prefix: string };
      secret: string;
    };
    return { id: apiToken.id, secret };
  }

  async function membershipIdOf(client: ApiClient, email: string): Promise<string> {
    const members = expectOk(await client.gql('{ members { id user { email } } }'), 'listing members');
    return (members.members as { id: string; user: { email: string } }[]).find((m) => m.user.email === email)!
      .id;
  }

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
    const schema = buildClientSchema(
      expectOk(await api.client().gql(getIntrospectionQuery()), 'introspection') as IntrospectionQuery,
    );
    mutations = Object.values(schema.getMutationType()?.getFields() ?? {});

    owner = api.client();
    orgA = await owner.signup();
    admin = await joinAs('ADMIN');
    member = await joinAs('MEMBER');
    viewer = await joinAs('VIEWER');
    readToken = api.client().withBearer((await createToken(admin.client, ['READ'])).secret);
    const pending = expectOk(
      await owner.gql(INVITE, { input: { email: uniqueEmail('pending'), role: 'MEMBER' } }),
      'inviting',
    );
    targets = {
      memberId: member.membershipId,
      invitationId: pending.inviteMember.invitation.id,
      tokenId: (await createToken(admin.client, ['WRITE'])).id,
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
    expect(mutations.map((m) => m.name)).toEqual(
      expect.arrayContaining(['inviteMember', 'removeMember', 'createApiToken']),
    );
    expect(Object.keys(VIEWER_MAY_CALL).filter((name) => !mutations.some((m) => m.name === name))).toEqual(
      [],
    );
  });

  it.each([
    ['a VIEWER (browser session)', 'session'],
    ['a READ-scope API token created by an ADMIN', 'token'],
  ] as const)('every Mutation is FORBIDDEN to %s and writes nothing', async (_label, principal) => {
    const client = principal === 'session' ? viewer.client : readToken;
    const problems: string[] = [];
    const checked: string[] = [];
    for (const mutation of mutations) {
      // A browser-session VIEWER may accept invitations; an API token never may (it is not a person).
      if (principal === 'session' && mutation.name in VIEWER_MAY_CALL) continue;
      const call = callFor(mutation, targets);
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
    const leaving = await joinAs('MEMBER');
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

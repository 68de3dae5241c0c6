import { joinAs, membershipIdOf } from './fixtures';
import { startTestApi, uniqueEmail, type TestApi } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const INVITE =
  'mutation($i: InviteMemberInput!) { inviteMember(input: $i) { link invitation { id email role expired } } }';
const ACCEPT = 'mutation($t: String!) { acceptInvitation(token: $t) { role organization { id } } }';
const CREATE_TOKEN =
  'mutation($i: CreateApiTokenInput!) { createApiToken(input: $i) { secret apiToken { id prefix scopes } } }';

describe('invitations', () => {
  it('returns a link only the invited email can accept, once', async () => {
    const owner = api.client();
    const a = await owner.signup();
    const email = uniqueEmail('invitee');
    const invite = await owner.gql(INVITE, { i: { email, role: 'ADMIN' } });
    expect(invite.data.inviteMember.invitation).toMatchObject({ email, role: 'ADMIN', expired: false });
    const link = new URL(invite.data.inviteMember.link);
    expect(link.pathname).toBe('/invitations/accept');
    const token = link.searchParams.get('token')!;

    const wrongPerson = api.client();
    await wrongPerson.signup();
    expect((await wrongPerson.gql(ACCEPT, { t: token })).errors?.[0].extensions.reason).toBe(
      'INVITATION_NOT_FOR_YOU',
    );

    const invitee = api.client();
    await invitee.signup({ email });
    const accepted = await invitee.gql(ACCEPT, { t: token });
    expect(accepted.data.acceptInvitation).toEqual({
      role: 'ADMIN',
      organization: { id: a.organization.id },
    });
    expect((await invitee.gql(ACCEPT, { t: token })).errors?.[0].extensions.code).toBe('NOT_FOUND');
    expect((await owner.gql('{ invitations { id } }')).data.invitations).toEqual([]);
  });

  it('re-inviting replaces the earlier link; revoking withdraws it; expired links are refused', async () => {
    const owner = api.client();
    await owner.signup();
    const email = uniqueEmail('again');
    const first = await owner.gql(INVITE, { i: { email, role: 'MEMBER' } });
    const second = await owner.gql(INVITE, { i: { email, role: 'VIEWER' } });
    const invitations = (await owner.gql('{ invitations { id role } }')).data.invitations;
    expect(invitations).toEqual([{ id: second.data.inviteMember.invitation.id, role: 'VIEWER' }]);

    const invitee = api.client();
    await invitee.signup({ email });
    const firstToken = new URL(first.data.inviteMember.link).searchParams.get('token')!;
    expect((await invitee.gql(ACCEPT, { t: firstToken })).errors?.[0].extensions.code).toBe('NOT_FOUND');

    await api.prisma.invitation.update({
      where: { id: second.data.inviteMember.invitation.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const secondToken = new URL(second.data.inviteMember.link).searchParams.get('token')!;
    expect((await invitee.gql(ACCEPT, { t: secondToken })).errors?.[0].extensions.reason).toBe(
      'INVITATION_EXPIRED',
    );

    const third = await owner.gql(INVITE, { i: { email, role: 'VIEWER' } });
    await owner.gql('mutation($id: ID!) { revokeInvitation(invitationId: $id) { id } }', {
      id: third.data.inviteMember.invitation.id,
    });
    const thirdToken = new URL(third.data.inviteMember.link).searchParams.get('token')!;
    expect((await invitee.gql(ACCEPT, { t: thirdToken })).errors?.[0].extensions.code).toBe('NOT_FOUND');
  });

  it('refuses to invite someone who is already a member', async () => {
    const owner = api.client();
    const a = await owner.signup();
    const result = await owner.gql(INVITE, { i: { email: a.email, role: 'MEMBER' } });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'ALREADY_MEMBER' });
  });
});

describe('members and roles', () => {
  it('an OWNER promotes and demotes; the change applies to the next request', async () => {
    const owner = api.client();
    const a = await owner.signup();
    const viewer = await joinAs(api, owner, a.organization.id, 'VIEWER');
    expect((await viewer.client.gql('{ me { role } }')).data.me.role).toBe('VIEWER');

    const changed = await owner.gql(
      'mutation($m: ID!) { changeMemberRole(memberId: $m, role: ADMIN) { role user { email } } }',
      { m: viewer.membershipId },
    );
    expect(changed.data.changeMemberRole).toEqual({ role: 'ADMIN', user: { email: viewer.email } });
    expect((await viewer.client.gql('{ me { role } }')).data.me.role).toBe('ADMIN');
  });

  it('with two OWNERs one may step down; the last may not', async () => {
    const owner = api.client();
    const a = await owner.signup();
    const second = await joinAs(api, owner, a.organization.id, 'OWNER');
    const ownerMemberId = await membershipIdOf(owner, a.email);

    const stepDown = await second.client.gql(
      'mutation($m: ID!) { changeMemberRole(memberId: $m, role: MEMBER) { role } }',
      { m: ownerMemberId },
    );
    expect(stepDown.data.changeMemberRole.role).toBe('MEMBER');
    const last = await second.client.gql(
      'mutation($m: ID!) { changeMemberRole(memberId: $m, role: ADMIN) { role } }',
      { m: second.membershipId },
    );
    expect(last.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', reason: 'LAST_OWNER' });
  });
});

describe('API tokens', () => {
  it('shows the secret once, authenticates automation, stores only prefix and hash, and can be revoked', async () => {
    const owner = api.client();
    const a = await owner.signup();
    const created = await owner.gql(CREATE_TOKEN, { i: { name: 'ci pipeline', scopes: ['WRITE'] } });
    const { secret, apiToken } = created.data.createApiToken;
    expect(secret).toMatch(/^sp_pat_/);
    expect(secret).toContain(apiToken.prefix);

    const stored = await api.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } });
    // The secret part is read by position: it is base64url, so it may itself contain '_'.
    expect(JSON.stringify(stored)).not.toContain(secret.slice(`sp_pat_${apiToken.prefix}_`.length));
    const listed = await owner.gql('{ apiTokens { id name prefix scopes lastUsedAt } }');
    expect(JSON.stringify(listed)).not.toContain(secret);

    const bot = api.client().withBearer(secret);
    const me = await bot.gql('{ me { principalType role organization { id } } }');
    expect(me.data.me).toEqual({
      principalType: 'API_TOKEN',
      role: 'MEMBER',
      organization: { id: a.organization.id },
    });
    expect(
      (await api.prisma.apiToken.findUniqueOrThrow({ where: { id: apiToken.id } })).lastUsedAt,
    ).not.toBeNull();

    // WRITE acts as MEMBER: it cannot do ADMIN things even though its creator is OWNER.
    const escalate = await bot.gql('mutation { updateOrganization(input: { name: "pwned" }) { id } }');
    expect(escalate.errors?.[0].extensions.code).toBe('FORBIDDEN');

    await owner.gql('mutation($id: ID!) { revokeApiToken(tokenId: $id) { revokedAt } }', { id: apiToken.id });
    const after = await bot.gql('{ me { role } }');
    expect(after.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'TOKEN_REVOKED' });
  });

  it('refuses expired and made-up tokens, and scopes above the creator’s role', async () => {
    const owner = api.client();
    const a = await owner.signup();
    const created = await owner.gql(CREATE_TOKEN, {
      i: { name: 'short', scopes: ['READ'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() },
    });
    await api.prisma.apiToken.update({
      where: { id: created.data.createApiToken.apiToken.id },
      data: { expiresAt: new Date(Date.now() - 1000) },
    });
    const expired = await api.client().withBearer(created.data.createApiToken.secret).gql('{ me { role } }');
    expect(expired.errors?.[0].extensions.reason).toBe('TOKEN_EXPIRED');

    const madeUp = await api.client().withBearer('sp_pat_nothere_0123456789abcdef').gql('{ me { role } }');
    expect(madeUp.errors?.[0].extensions.reason).toBe('TOKEN_INVALID');

    const member = await joinAs(api, owner, a.organization.id, 'MEMBER');
    const tooMuch = await member.client.gql(CREATE_TOKEN, { i: { name: 'sneaky', scopes: ['ADMIN'] } });
    expect(tooMuch.errors?.[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'SCOPE_EXCEEDS_ROLE' });
  });
});

describe('audit log', () => {
  it('records every mutation with actor, target, ip and request id, newest first, paginated', async () => {
    const owner = api.client();
    const a = await owner.signup();
    await owner.gql('mutation { updateOrganization(input: { name: "Renamed" }) { id } }');
    await owner.gql(INVITE, { i: { email: uniqueEmail(), role: 'MEMBER' } });
    await owner.gql(CREATE_TOKEN, { i: { name: 'audit me', scopes: ['READ'] } });

    const firstPage = await owner.gql(
      '{ auditLog(first: 2) { nextCursor entries { action actorType actorId targetType ip requestId } } }',
    );
    expect(firstPage.data.auditLog.entries.map((e: any) => e.action)).toEqual([
      'api_token.create',
      'invitation.create',
    ]);
    expect(firstPage.data.auditLog.entries[0]).toMatchObject({
      actorType: 'USER',
      actorId: a.user.id,
      ip: owner.ip,
      requestId: expect.any(String),
    });
    const rest = await owner.gql(
      'query($after: String) { auditLog(first: 10, after: $after) { nextCursor entries { action } } }',
      {
        after: firstPage.data.auditLog.nextCursor,
      },
    );
    expect(rest.data.auditLog.entries.map((e: any) => e.action)).toEqual([
      'organization.update',
      'credits.grant', // the sign-up credits, granted with the organization
      'organization.create',
      'auth.signup',
    ]);
    expect(rest.data.auditLog.nextCursor).toBeNull();

    const filtered = await owner.gql('{ auditLog(action: "organization.update") { entries { action } } }');
    expect(filtered.data.auditLog.entries).toEqual([{ action: 'organization.update' }]);
  });
});

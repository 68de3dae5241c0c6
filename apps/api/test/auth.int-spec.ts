import { invite } from './fixtures';
import { databaseSnapshot, signupBody, startTestApi, uniqueEmail, type TestApi } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

const ME = '{ me { principalType role user { id email } organization { id name } } }';

describe('sign-up', () => {
  it('creates user, organization, OWNER membership and a cookie session in one go', async () => {
    const client = api.client();
    const body = signupBody({ organizationName: 'Acme Streaming' });
    const result = await client.post('/v1/auth/signup', body);
    expect(result.status).toBe(201);
    expect(result.body).toMatchObject({
      user: { email: body.email },
      organization: { name: 'Acme Streaming' },
      role: 'OWNER',
    });

    const setCookies = result.headers.getSetCookie();
    const access = setCookies.find((c) => c.startsWith('sp_access='))!;
    const refresh = setCookies.find((c) => c.startsWith('sp_refresh='))!;
    const csrf = setCookies.find((c) => c.startsWith('sp_csrf='))!;
    expect(access).toMatch(/HttpOnly/i);
    expect(access).toMatch(/SameSite=Strict/i);
    expect(refresh).toMatch(/HttpOnly/i);
    expect(refresh).toMatch(/Path=\/v1\/auth/);
    expect(csrf).not.toMatch(/HttpOnly/i);

    const me = await client.gql(ME);
    expect(me.errors).toBeUndefined();
    expect(me.data.me).toMatchObject({ principalType: 'USER', role: 'OWNER', user: { email: body.email } });

    const user = await api.prisma.user.findUniqueOrThrow({ where: { email: body.email } });
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(user.passwordHash).not.toContain(body.password);
    const audit = await api.prisma.auditLog.findMany({ where: { orgId: result.body.organization.id } });
    // The organization comes with its sign-up credits (see billing.int-spec.ts).
    expect(audit.map((a) => a.action).sort()).toEqual([
      'auth.signup',
      'credits.grant',
      'organization.create',
    ]);
  });

  it('refuses a duplicate email (any case) with CONFLICT and writes nothing', async () => {
    const first = await api.client().signup();
    const before = await databaseSnapshot(api.prisma);
    const again = await api
      .client()
      .post('/v1/auth/signup', signupBody({ email: first.email.toUpperCase() }));
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'CONFLICT', reason: 'EMAIL_TAKEN' });
    expect(await databaseSnapshot(api.prisma)).toEqual(before);
  });

  it('refuses weak passwords, naming the field', async () => {
    const result = await api.client().post('/v1/auth/signup', signupBody({ password: 'short' }));
    expect(result.status).toBe(400);
    expect(result.body.error.fields).toEqual([
      { field: 'password', message: 'must be at least 10 characters' },
    ]);
  });
});

describe('login and sessions', () => {
  it('logs in with the right password only, and does not tell which part was wrong', async () => {
    const owner = await api.client().signup();
    const wrong = await api.client().login(owner.email, 'not the password at all');
    const unknown = await api.client().login(uniqueEmail('nobody'), 'whatever password');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.error.reason).toBe('INVALID_CREDENTIALS');
    expect(unknown.body.error.message).toBe(wrong.body.error.message);

    const client = api.client();
    const ok = await client.login(owner.email, owner.password);
    expect(ok.status).toBe(200);
    expect((await client.gql(ME)).data.me.organization.id).toBe(owner.organization.id);
  });

  it('rejects a cookie request without the CSRF header', async () => {
    const client = api.client();
    await client.signup();
    const response = await fetch(`${api.baseUrl}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        cookie: `sp_access=${client.cookies.get('sp_access')}`,
      },
      body: JSON.stringify({ query: ME }),
    });
    const body: any = await response.json();
    expect(body.errors[0].extensions).toMatchObject({ code: 'FORBIDDEN', reason: 'CSRF_TOKEN_MISMATCH' });
  });

  it('rotates the refresh token, and reuse of a rotated token ends the whole session', async () => {
    const client = api.client();
    await client.signup();
    const firstRefresh = client.cookies.get('sp_refresh')!;

    const rotated = await client.post('/v1/auth/refresh');
    expect(rotated.status).toBe(200);
    const secondRefresh = client.cookies.get('sp_refresh')!;
    expect(secondRefresh).not.toBe(firstRefresh);
    expect((await client.gql(ME)).errors).toBeUndefined();

    // An attacker replays the first token.
    const thief = api.client();
    thief.cookies.set('sp_refresh', firstRefresh);
    thief.cookies.set('sp_csrf', 'attacker-chosen');
    const replay = await thief.post('/v1/auth/refresh');
    expect(replay.status).toBe(401);
    expect(replay.body.error.reason).toBe('REFRESH_TOKEN_REUSED');

    // The legitimate holder is signed out too: the session family is revoked.
    expect((await client.gql(ME)).errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    const again = await client.post('/v1/auth/refresh');
    expect(again.status).toBe(401);
  });

  it('logout ends the session: the old access token no longer works', async () => {
    const client = api.client();
    await client.signup();
    const stolenAccess = client.cookies.get('sp_access')!;
    const csrf = client.cookies.get('sp_csrf')!;
    expect((await client.post('/v1/auth/logout')).status).toBe(204);
    expect(client.cookies.has('sp_access')).toBe(false);

    const replay = api.client();
    replay.cookies.set('sp_access', stolenAccess);
    replay.cookies.set('sp_csrf', csrf);
    const result = await replay.gql(ME);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'SESSION_ENDED' });
  });

  it('rejects a tampered or expired access token', async () => {
    const client = api.client();
    await client.signup();
    const token = client.cookies.get('sp_access')!;
    client.cookies.set('sp_access', token.slice(0, -3) + (token.endsWith('AAA') ? 'BBB' : 'AAA'));
    expect((await client.gql(ME)).errors?.[0].extensions.reason).toBe('TOKEN_INVALID');

    const shortLived = await startTestApi({ AUTH_ACCESS_TOKEN_TTL_SECONDS: '60' });
    try {
      const c = shortLived.client();
      await c.signup();
      const realNow = Date.now;
      Date.now = () => realNow() + 61_000;
      try {
        expect((await c.gql(ME)).errors?.[0].extensions.reason).toBe('TOKEN_EXPIRED');
      } finally {
        Date.now = realNow;
      }
    } finally {
      await shortLived.close();
    }
  });

  it('rate-limits login attempts per email with 429 and Retry-After', async () => {
    const owner = await api.client().signup();
    const attacker = api.client();
    const attempts = [];
    for (let i = 0; i < 11; i++) attempts.push(await attacker.login(owner.email, `wrong password ${i}`));
    expect(attempts.slice(0, 10).map((a) => a.status)).toEqual(Array(10).fill(401));
    const last = attempts[10];
    expect(last.status).toBe(429);
    expect(last.body.error).toMatchObject({ code: 'RATE_LIMITED' });
    expect(Number(last.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('switches a session to another organization the user belongs to, and only those', async () => {
    const owner = api.client();
    const a = await owner.signup();
    const joinerEmail = uniqueEmail('joiner');
    const { token } = await invite(owner, joinerEmail, 'MEMBER');

    const joiner = api.client();
    const own = await joiner.signup({ email: joinerEmail });
    const accepted = await joiner.gql(
      'mutation($t: String!) { acceptInvitation(token: $t) { role organization { id } } }',
      { t: token },
    );
    expect(accepted.data.acceptInvitation).toEqual({
      role: 'MEMBER',
      organization: { id: a.organization.id },
    });

    const switched = await joiner.post('/v1/auth/switch-organization', { organizationId: a.organization.id });
    expect(switched.status).toBe(200);
    const me = await joiner.gql(
      '{ me { role organization { id } organizations { role organization { id } } } }',
    );
    expect(me.data.me.organization.id).toBe(a.organization.id);
    expect(me.data.me.role).toBe('MEMBER');
    expect(me.data.me.organizations.map((o: any) => o.organization.id).sort()).toEqual(
      [a.organization.id, own.organization.id].sort(),
    );

    const stranger = api.client();
    await stranger.signup();
    const refused = await stranger.post('/v1/auth/switch-organization', {
      organizationId: a.organization.id,
    });
    expect(refused.status).toBe(404);
    expect(refused.body.error.reason).toBe('NOT_A_MEMBER');
  });
});

import { databaseSnapshot, signupBody, startTestApi, type ApiClient, type TestApi } from './harness';

let api: TestApi;
let owner: ApiClient;
beforeAll(async () => {
  api = await startTestApi();
  owner = api.client();
  await owner.signup();
});
afterAll(() => api.close());

/** Runs `attempt` and proves the database is byte-for-byte unchanged afterwards (sessions aside: none are created). */
async function unchanged<T>(attempt: () => Promise<T>): Promise<T> {
  const before = await databaseSnapshot(api.prisma);
  const result = await attempt();
  expect(await databaseSnapshot(api.prisma)).toEqual(before);
  return result;
}

describe('REST bad input gets a typed 4xx and writes nothing', () => {
  const raw = (body: string, contentType = 'application/json') =>
    api.client().request('POST', '/v1/auth/signup', { body, headers: { 'content-type': contentType } });

  it.each([
    ['malformed JSON', () => raw('{"email": "a@b.co", '), 400, 'MALFORMED_JSON'],
    ['an empty body', () => raw(''), 400, 'EMPTY_BODY'],
    [
      'an oversized body',
      () => raw(JSON.stringify({ ...signupBody(), name: 'x'.repeat(300_000) })),
      413,
      'BODY_TOO_LARGE',
    ],
    [
      'a form post (not JSON)',
      () => raw('email=a@b.co', 'application/x-www-form-urlencoded'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    ],
    ['a text/plain post', () => raw('{"email":"a@b.co"}', 'text/plain'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
    ['a JSON array', () => raw('[1,2]'), 400, 'INVALID_INPUT'],
    [
      'wrong types',
      () => api.client().post('/v1/auth/signup', { ...signupBody(), email: 42 }),
      400,
      'INVALID_INPUT',
    ],
    [
      'an unknown field',
      () => api.client().post('/v1/auth/signup', { ...signupBody(), isAdmin: true }),
      400,
      'INVALID_INPUT',
    ],
    [
      'an overlong name',
      () => api.client().post('/v1/auth/signup', signupBody({ name: 'n'.repeat(101) })),
      400,
      'INVALID_INPUT',
    ],
    [
      'an empty organization name',
      () => api.client().post('/v1/auth/signup', signupBody({ organizationName: '  ' })),
      400,
      'INVALID_INPUT',
    ],
    [
      'control characters',
      () => api.client().post('/v1/auth/signup', signupBody({ name: 'Robert\u0000); DROP' })),
      400,
      'INVALID_INPUT',
    ],
    [
      'a bad email',
      () => api.client().post('/v1/auth/signup', signupBody({ email: 'not-an-email' })),
      400,
      'INVALID_INPUT',
    ],
    [
      'a login without password',
      () => api.client().post('/v1/auth/login', { email: 'a@example.com' }),
      400,
      'INVALID_INPUT',
    ],
  ])('%s', async (_label, attempt, status, reason) => {
    const result = await unchanged(attempt);
    expect(result.status).toBe(status);
    expect(result.body.error).toMatchObject({ reason, requestId: expect.any(String) });
    expect(result.headers.get('x-request-id')).toBe(result.body.error.requestId);
  });

  it('answers an unknown route with a typed 404', async () => {
    const result = await api.client().request('GET', '/v1/nope');
    expect(result.status).toBe(404);
    expect(result.body.error).toMatchObject({ code: 'NOT_FOUND', reason: 'ROUTE_NOT_FOUND' });
  });
});

describe('GraphQL bad input', () => {
  it('refuses malformed JSON and oversized queries before execution', async () => {
    const malformed = await unchanged(() =>
      owner.request('POST', '/graphql', {
        body: '{"query": ',
        headers: { 'content-type': 'application/json' },
      }),
    );
    expect(malformed.status).toBe(400);
    const huge = await unchanged(() => owner.gql(`{ me { role } } # ${'x'.repeat(300_000)}`));
    expect(huge.status).toBe(413);
  });

  it.each([
    ['an unknown field', '{ me { role password } }', {}],
    [
      'an unknown input field',
      'mutation { updateOrganization(input: { name: "x", plan: "FREE" }) { id } }',
      {},
    ],
    [
      'a wrong enum value',
      'mutation($r: Role!) { changeMemberRole(memberId: "00000000-0000-0000-0000-000000000000", role: $r) { id } }',
      { r: 'GOD' },
    ],
    ['a wrong argument type', '{ auditLog(first: "ten") { nextCursor } }', {}],
    [
      'a query that is too deep',
      '{ me { organizations { organization { id } } } __schema { types { fields { type { ofType { ofType { ofType { ofType { name } } } } } } } } }',
      {},
    ],
  ])('%s → 400 BAD_USER_INPUT', async (_label, query, variables) => {
    const result = await unchanged(() => owner.gql(query, variables));
    expect(result.status).toBe(400);
    expect(result.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      requestId: expect.any(String),
    });
  });

  it.each([
    ['an empty organization name', 'mutation { updateOrganization(input: { name: "" }) { id } }'],
    [
      'an overlong organization name',
      `mutation { updateOrganization(input: { name: "${'o'.repeat(101)}" }) { id } }`,
    ],
    [
      'control characters in a token name',
      'mutation { createApiToken(input: { name: "ci\\u0007", scopes: [READ] }) { secret } }',
    ],
    ['no scopes', 'mutation { createApiToken(input: { name: "ci", scopes: [] }) { secret } }'],
    [
      'an expiry in the past',
      'mutation { createApiToken(input: { name: "ci", scopes: [READ], expiresAt: "2020-01-01T00:00:00Z" }) { secret } }',
    ],
    ['a malformed member id', 'mutation { removeMember(memberId: "not-a-uuid") { id } }'],
    [
      'a malformed invitation email',
      'mutation { inviteMember(input: { email: "nope", role: MEMBER }) { link } }',
    ],
    ['a malformed audit cursor', '{ auditLog(after: "abc") { nextCursor } }'],
    ['an out-of-range page size', '{ auditLog(first: 100000) { nextCursor } }'],
    ['a malformed invoice id', '{ invoice(invoiceId: "not-a-uuid") { id } }'],
    ['a malformed invoice cursor', '{ invoices(after: "yesterday") { nextCursor } }'],
    ['a malformed notification id', 'mutation { markNotificationRead(notificationId: "nope") { id } }'],
    ['a malformed deployment id to rotate', 'mutation { rotateAgentToken(deploymentId: "nope") { id } }'],
  ])('%s → BAD_USER_INPUT naming the field, nothing written', async (_label, query) => {
    const result = await unchanged(() => owner.gql(query));
    expect(result.errors).toHaveLength(1);
    expect(result.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', reason: 'INVALID_INPUT' });
    expect(result.errors![0].message).toMatch(/Invalid input: /);
  });
});

import { startTestApi, type TestApi } from './harness';

let api: TestApi;
beforeAll(async () => {
  api = await startTestApi();
});
afterAll(() => api.close());

describe('health, readiness and metrics', () => {
  it('answers /healthz and /readyz with both stores checked', async () => {
    const client = api.client();
    expect((await client.request('GET', '/healthz')).body).toEqual({ status: 'ok' });
    const ready = await client.request('GET', '/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
  });

  it('counts HTTP requests by route and GraphQL operations by name and outcome', async () => {
    const client = api.client();
    await client.signup();
    await client.gql('query Whoami { me { role } }');
    await client.gql('query Broken { organization { id } }');
    const metrics = await client.request('GET', '/metrics');
    expect(metrics.headers.get('content-type')).toMatch(/text\/plain/);
    const text = metrics.body as string;
    expect(text).toMatch(
      /streamplane_http_requests_total\{method="POST",route="\/v1\/auth\/signup",status="201"\} 1/,
    );
    expect(text).toMatch(
      /streamplane_graphql_operations_total\{type="query",operation="Whoami",outcome="success"\} 1/,
    );
    expect(text).toMatch(
      /streamplane_graphql_operation_duration_seconds_count\{type="query",operation="Whoami"\} 1/,
    );
    expect(text).toMatch(/streamplane_http_request_duration_seconds_bucket/);
  });
});

describe('logs', () => {
  it('are JSON with a request id on every line written while serving a request, echoed to the client', async () => {
    const client = api.client();
    const requestId = 'trace-abc-12345';
    const result = await client.request('POST', '/v1/auth/signup', {
      json: { email: 'bad', password: 'x', name: 'n', organizationName: 'o' },
      headers: { 'x-request-id': requestId },
    });
    expect(result.headers.get('x-request-id')).toBe(requestId);
    expect(result.body.error.requestId).toBe(requestId);
    const lines = api.logs.map((line) => JSON.parse(line));
    const forRequest = lines.filter((line) => line.reqId === requestId);
    expect(forRequest.map((l) => l.msg)).toEqual(
      expect.arrayContaining(['incoming request', 'request completed']),
    );
    // No line carries two reqId keys (Fastify's binding and our context would otherwise both add one).
    expect(api.logs.filter((l) => l.includes(requestId)).every((l) => l.split('"reqId"').length === 2)).toBe(
      true,
    );
  });

  it('never contain passwords, tokens or cookies, even through a full session', async () => {
    const client = api.client();
    const owner = await client.signup();
    await client.post('/v1/auth/refresh');
    const secrets: string[] = [owner.password, ...client.cookies.values()];
    const created = await client.gql(
      'mutation { createApiToken(input: { name: "ci", scopes: [READ] }) { secret } }',
    );
    secrets.push(created.data.createApiToken.secret);
    await client.withBearer(created.data.createApiToken.secret).gql('{ me { role } }');
    await client.login(owner.email, 'a wrong password here');
    await client.login(owner.email, owner.password);
    await client.post('/v1/auth/logout');
    const everything = api.logs.join('\n');
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of secrets) expect(everything).not.toContain(secret);
  });

  it('turn an unexpected failure into INTERNAL with a request id, logging the stack but not showing it', async () => {
    const client = api.client();
    await client.signup();
    const prisma = api.prisma;
    const original = prisma.organization.findUnique.bind(prisma.organization);
    (prisma.organization as any).findUnique = () =>
      Promise.reject(new Error('connection reset by peer at 10.0.0.7'));
    try {
      const result = await client.gql('{ organization { id } }');
      expect(result.status).toBe(200);
      expect(result.errors?.[0].extensions).toMatchObject({
        code: 'INTERNAL',
        requestId: expect.any(String),
      });
      expect(result.errors?.[0].message).not.toContain('10.0.0.7');
      const logged = api.logs.filter((l) => l.includes('10.0.0.7'));
      expect(logged.some((l) => l.includes(result.errors![0].extensions.requestId))).toBe(true);
    } finally {
      (prisma.organization as any).findUnique = original;
    }
  });
});

import { startTestApi, type TestApi } from '../../test/harness';
import { deploymentWithAgent, orgWithCloudAccount, type OrgFixture } from '../../test/ingest-fixtures';

describe('GET /v1/agent/pipelines rate limit', () => {
  let api: TestApi;
  let org: OrgFixture;

  beforeAll(async () => {
    api = await startTestApi({ INGEST_RATE_LIMIT_BATCHES: '3', INGEST_RATE_LIMIT_WINDOW_SECONDS: '60' });
    org = await orgWithCloudAccount(api);
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers 429 with Retry-After once a deployment spent its budget, other deployments unaffected', async () => {
    const limited = await deploymentWithAgent(api, org);
    const other = await deploymentWithAgent(api, org);
    const read = (token: string) => api.client().withBearer(token).request('GET', '/v1/agent/pipelines');
    for (let i = 0; i < 3; i++) expect((await read(limited.token)).status).toBe(200);

    const refused = await read(limited.token);
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'RATE_LIMITED', reason: 'RATE_LIMITED' });
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    expect((await read(other.token)).status).toBe(200);
    // A bad token is refused before it can spend anyone's budget.
    expect((await api.client().withBearer('sp_agt_nope').request('GET', '/v1/agent/pipelines')).status).toBe(
      401,
    );
  });

  it('keeps the agent reads in a bucket of their own: polling does not spend the ingest budget', async () => {
    const agent = await deploymentWithAgent(api, org);
    for (let i = 0; i < 3; i++) {
      await api.client().withBearer(agent.token).request('GET', '/v1/agent/pipelines');
    }
    const ingest = await api
      .client()
      .withBearer(agent.token)
      .request('POST', '/v1/ingest/events', {
        headers: { 'content-type': 'application/cloudevents-batch+json' },
        body: '[]',
      });
    expect(ingest.status).not.toBe(429);
  });
});

import { Logger } from '@nestjs/common';
import { FakeAzure } from '../testing/fake-azure';
import { AzureArmVerifier } from './azure-arm-verifier';
import type { AzureVerificationTarget } from './cloud-account-verifier';

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const SUBSCRIPTION = '99999999-8888-4777-8666-555555555555';
const SECRET = 'Q~fake.client_secret-value-0123456789abcdef';

// The verifier logs unreachable endpoints for operators; a test below causes that on purpose.
beforeAll(() => Logger.overrideLogger(false));

describe('AzureArmVerifier against a fake Entra ID and Resource Manager (plain HTTPS APIs)', () => {
  let azure: FakeAzure;
  const target: AzureVerificationTarget = {
    provider: 'AZURE',
    cloudAccountId: '3f1e9a52-8d0c-4b7e-a1f2-0c9d8e7f6a5b',
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: SECRET,
    subscriptionId: SUBSCRIPTION,
    resourceGroup: null,
  };
  const verify = (overrides: Partial<AzureVerificationTarget> = {}) =>
    new AzureArmVerifier({ authorityHost: azure.url, resourceManagerUrl: azure.url }).verify(
      { ...target, ...overrides },
      AbortSignal.timeout(10_000),
    );
  const reasonOf = (result: Awaited<ReturnType<typeof verify>>) => (result.ok ? '' : result.reason);

  beforeEach(async () => {
    azure = await FakeAzure.start();
    azure.addApp({ tenantId: TENANT, clientId: CLIENT, secret: SECRET });
    azure.addSubscription({ subscriptionId: SUBSCRIPTION, tenantId: TENANT, assignedApps: [CLIENT] });
  });
  afterEach(() => azure.close());

  it('gets a Resource Manager token with the client secret, then reads the subscription with it', async () => {
    const result = await verify();
    expect(result).toEqual({
      ok: true,
      simulated: false,
      sessions: [
        {
          kind: 'azure-client-credentials',
          principal: CLIENT,
          sessionName: 'https://management.azure.com/.default',
          expiresAt: expect.any(String),
        },
      ],
    });
    expect(azure.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      `POST /${TENANT}/oauth2/v2.0/token`,
      `GET /subscriptions/${SUBSCRIPTION}`,
    ]);
  });

  it.each([
    [
      'a wrong secret',
      { clientSecret: 'Q~not-the-secret' },
      'AZURE_CLIENT_SECRET_INVALID',
      /Value \(not its Secret ID\)/,
    ],
    [
      'an unknown tenant',
      { tenantId: '00000000-0000-4000-8000-000000000000' },
      'AZURE_TENANT_NOT_FOUND',
      /Directory \(tenant\) ID/,
    ],
    [
      'an unknown app',
      { clientId: '00000000-0000-4000-8000-000000000001' },
      'AZURE_APP_NOT_FOUND',
      /Application \(client\) ID/,
    ],
  ])('maps sign-in with %s to %s', async (_label, overrides, code, hint) => {
    const result = await verify(overrides);
    expect(result).toMatchObject({ ok: false, code, sessions: [] });
    expect(reasonOf(result)).toMatch(hint);
    expect(reasonOf(result)).not.toContain(SECRET);
    expect(azure.calls.filter((c) => c.method === 'GET')).toEqual([]); // never got as far as ARM
  });

  it('maps an expired secret to AZURE_CLIENT_SECRET_EXPIRED', async () => {
    azure.apps[0].secretExpired = true;
    expect(await verify()).toMatchObject({ ok: false, code: 'AZURE_CLIENT_SECRET_EXPIRED' });
  });

  it('maps a signed-in app without a role on the subscription to AZURE_SUBSCRIPTION_ACCESS_DENIED, naming the scope', async () => {
    azure.subscriptions.get(SUBSCRIPTION)!.assignedApps = [];
    const result = await verify();
    expect(result).toMatchObject({ ok: false, code: 'AZURE_SUBSCRIPTION_ACCESS_DENIED' });
    expect(reasonOf(result)).toContain(`/subscriptions/${SUBSCRIPTION}`);
    if (!result.ok) expect(result.sessions).toHaveLength(1); // the token was issued: audited as a session
  });

  it('maps an unknown subscription, and one of another tenant, to AZURE_SUBSCRIPTION_NOT_FOUND', async () => {
    const unknown = await verify({ subscriptionId: '12345678-1234-4234-8234-123456789012' });
    expect(unknown).toMatchObject({ ok: false, code: 'AZURE_SUBSCRIPTION_NOT_FOUND' });
    azure.subscriptions.get(SUBSCRIPTION)!.tenantId = '77777777-7777-4777-8777-777777777777';
    const foreign = await verify();
    expect(foreign).toMatchObject({ ok: false, code: 'AZURE_SUBSCRIPTION_NOT_FOUND' });
    expect(reasonOf(foreign)).toContain('another tenant');
  });

  it('maps a disabled subscription to AZURE_SUBSCRIPTION_DISABLED', async () => {
    azure.subscriptions.get(SUBSCRIPTION)!.state = 'Disabled';
    const result = await verify();
    expect(result).toMatchObject({ ok: false, code: 'AZURE_SUBSCRIPTION_DISABLED' });
    expect(reasonOf(result)).toContain('Disabled');
  });

  describe('limited to a resource group', () => {
    beforeEach(() => {
      const subscription = azure.subscriptions.get(SUBSCRIPTION)!;
      subscription.assignedApps = [];
      subscription.resourceGroups = { 'kafka-prod': [CLIENT], 'someone-else': [] };
    });

    it('passes with a role on that group only, after reading it', async () => {
      expect(await verify({ resourceGroup: 'kafka-prod' })).toMatchObject({ ok: true });
      expect(azure.calls.at(-1)?.path).toBe(`/subscriptions/${SUBSCRIPTION}/resourcegroups/kafka-prod`);
    });

    it('maps a group without the role to AZURE_RESOURCE_GROUP_ACCESS_DENIED', async () => {
      azure.subscriptions.get(SUBSCRIPTION)!.resourceGroups = { 'kafka-prod': ['someone'], other: [CLIENT] };
      const result = await verify({ resourceGroup: 'kafka-prod' });
      expect(result).toMatchObject({ ok: false, code: 'AZURE_RESOURCE_GROUP_ACCESS_DENIED' });
    });

    it('maps a missing group (with a subscription-wide role) to AZURE_RESOURCE_GROUP_NOT_FOUND', async () => {
      azure.subscriptions.get(SUBSCRIPTION)!.assignedApps = [CLIENT];
      const result = await verify({ resourceGroup: 'not-created-yet' });
      expect(result).toMatchObject({ ok: false, code: 'AZURE_RESOURCE_GROUP_NOT_FOUND' });
      expect(reasonOf(result)).toContain('not-created-yet');
    });
  });

  it('reports an unreachable Entra ID as CLOUD_UNAVAILABLE', async () => {
    await azure.close();
    expect(await verify()).toMatchObject({ ok: false, code: 'CLOUD_UNAVAILABLE', sessions: [] });
    azure = await FakeAzure.start(); // for afterEach
  });
});

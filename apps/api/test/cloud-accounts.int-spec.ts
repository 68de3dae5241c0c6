import { cloudAccountSecretContext, FakeAwsSts, FakeAzure } from '@streamplane/cloud-accounts';
import { CredentialCipher } from '@streamplane/secrets';
import { randomUUID } from 'node:crypto';
import { joinAs, type Joined } from './fixtures';
import { databaseSnapshot, describeResult, expectOk, startTestApi } from './harness';
import type { ApiClient, GqlResult, SignedUp, TestApi } from './harness';

/**
 * Cloud accounts through the api: connect, list, read, verify, rename, delete; what VIEWERs may do; typed
 * refusals that write nothing; the real AWS and Azure verifiers (against fake STS / Entra ID / ARM servers)
 * under the `pulumi` engine; and an Azure client secret that appears in no response, no plaintext column
 * and no log line. Cross-tenant checks are in tenant-isolation.int-spec.ts (schema-driven).
 */

const ACCOUNT_FIELDS = `id name provider allowedRegions createdAt updatedAt
  aws { accountId roleArn externalId }
  azure { tenantId clientId subscriptionId resourceGroup }
  verification { status simulated checkedAt verifiedAt failureCode failureReason }
  grant { steps awsTrustPolicy awsPermissionPolicy azureRoleDefinition azureScope azureRoleAssignmentCondition }`;
const CONNECT_AWS = `mutation($input: ConnectAwsAccountInput!) { connectAwsAccount(input: $input) { ${ACCOUNT_FIELDS} } }`;
const CONNECT_AZURE = `mutation($input: ConnectAzureAccountInput!) { connectAzureAccount(input: $input) { ${ACCOUNT_FIELDS} } }`;
const LIST = `{ cloudAccounts { ${ACCOUNT_FIELDS} } }`;
const GET = `query($id: ID!) { cloudAccount(cloudAccountId: $id) { ${ACCOUNT_FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateCloudAccountInput!) { updateCloudAccount(cloudAccountId: $id, input: $input) { ${ACCOUNT_FIELDS} } }`;
const VERIFY = `mutation($id: ID!) { verifyCloudAccount(cloudAccountId: $id) { ${ACCOUNT_FIELDS} } }`;
const DELETE = `mutation($id: ID!) { deleteCloudAccount(cloudAccountId: $id) { id name } }`;

const TENANT = '11111111-2222-4333-8444-555555555555';
const CLIENT = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const SUBSCRIPTION = '99999999-8888-4777-8666-555555555555';
/** Every Azure secret these tests hand to the api; none may be found anywhere afterwards. */
const secretsGiven: string[] = [];
function azureSecret(): string {
  const secret = `Q8~${randomUUID().replace(/-/g, '')}.never-shown`;
  secretsGiven.push(secret);
  return secret;
}

function awsInput(overrides: Record<string, unknown> = {}) {
  return {
    name: `AWS ${randomUUID().slice(0, 8)}`,
    roleArn: `arn:aws:iam::123456789012:role/streamplane-${randomUUID().slice(0, 8)}`,
    allowedRegions: ['eu-west-1', 'us-east-1'],
    ...overrides,
  };
}

function azureInput(overrides: Record<string, unknown> = {}) {
  return {
    name: `Azure ${randomUUID().slice(0, 8)}`,
    tenantId: TENANT,
    clientId: CLIENT,
    clientSecret: azureSecret(),
    subscriptionId: SUBSCRIPTION,
    allowedRegions: ['westeurope'],
    ...overrides,
  };
}

const errorsOf = (result: GqlResult) => result.errors?.map((e) => e.extensions) ?? [];

let api: TestApi;
let owner: ApiClient;
let orgA: SignedUp;
let viewer: Joined;

beforeAll(async () => {
  api = await startTestApi({ LOG_LEVEL: 'trace' });
  owner = api.client();
  orgA = await owner.signup();
  viewer = await joinAs(api, owner, orgA.organization.id, 'VIEWER');
});
afterAll(() => api?.close());

/** Runs `attempt` and proves nothing anywhere in the database changed. */
async function unchanged(attempt: () => Promise<GqlResult>): Promise<GqlResult> {
  const before = await databaseSnapshot(api.prisma, ['api_tokens']);
  const result = await attempt();
  expect(await databaseSnapshot(api.prisma, ['api_tokens'])).toEqual(before);
  return result;
}

async function auditOf(targetId: string) {
  return api.prisma.auditLog.findMany({ where: { targetId }, orderBy: { id: 'asc' } });
}

describe('cloud accounts under the local engine', () => {
  it('connects an AWS account: external id generated, PENDING, and the policies to grant', async () => {
    const input = awsInput();
    const account = expectOk(await owner.gql(CONNECT_AWS, { input }), 'connect AWS').connectAwsAccount;

    expect(account).toMatchObject({
      name: input.name,
      provider: 'AWS',
      allowedRegions: ['eu-west-1', 'us-east-1'],
      aws: {
        accountId: '123456789012',
        roleArn: input.roleArn,
        externalId: expect.stringMatching(/^streamplane-[0-9a-f]{32}$/),
      },
      azure: null,
      verification: {
        status: 'PENDING',
        simulated: false,
        checkedAt: null,
        verifiedAt: null,
        failureCode: null,
      },
    });
    const trust = JSON.parse(account.grant.awsTrustPolicy);
    expect(trust.Statement[0]).toMatchObject({
      Principal: { AWS: 'arn:aws:iam::000000000000:root' }, // the local engine's placeholder account
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'sts:ExternalId': account.aws.externalId } },
    });
    expect(JSON.parse(account.grant.awsPermissionPolicy).Statement.length).toBeGreaterThan(0);
    expect(account.grant.steps.join('\n')).toContain(account.aws.externalId);
    expect((await auditOf(account.id)).map((row) => row.action)).toEqual(['cloud_account.connect']);

    // Each account gets its own external id.
    const second = expectOk(await owner.gql(CONNECT_AWS, { input: awsInput() }), 'connect').connectAwsAccount;
    expect(second.aws.externalId).not.toBe(account.aws.externalId);
  });

  it('connects an Azure account and stores the secret only as ciphertext bound to the row', async () => {
    const input = azureInput({ resourceGroup: 'kafka-prod' });
    const result = await owner.gql(CONNECT_AZURE, { input });
    const account = expectOk(result, 'connect Azure').connectAzureAccount;

    expect(account).toMatchObject({
      provider: 'AZURE',
      aws: null,
      azure: {
        tenantId: TENANT,
        clientId: CLIENT,
        subscriptionId: SUBSCRIPTION,
        resourceGroup: 'kafka-prod',
      },
      grant: { azureScope: `/subscriptions/${SUBSCRIPTION}/resourceGroups/kafka-prod` },
    });
    expect(JSON.parse(account.grant.azureRoleDefinition).AssignableScopes).toEqual([
      account.grant.azureScope,
    ]);
    expect(account.grant.azureRoleAssignmentCondition).toContain(
      'Microsoft.Authorization/roleAssignments/write',
    );
    expect(JSON.stringify(result)).not.toContain(input.clientSecret);

    const row = await api.prisma.cloudAccount.findUniqueOrThrow({ where: { id: account.id } });
    expect(row.secretKeyId).toBe('test-k1');
    // It is the secret, sealed: it opens with the configured key for this row, and for no other row.
    const cipher = api.app.get(CredentialCipher);
    const sealed = { ciphertext: row.secretCiphertext!, keyId: row.secretKeyId! };
    expect(cipher.decrypt(sealed, cloudAccountSecretContext(account.id, 'azure-client-secret'))).toBe(
      input.clientSecret,
    );
    expect(() =>
      cipher.decrypt(sealed, cloudAccountSecretContext(randomUUID(), 'azure-client-secret')),
    ).toThrow();
  });

  it('lists and reads accounts for a VIEWER, and refuses them every change, writing nothing', async () => {
    const account = expectOk(
      await owner.gql(CONNECT_AWS, { input: awsInput() }),
      'connect',
    ).connectAwsAccount;
    const listed = expectOk(await viewer.client.gql(LIST), 'list as VIEWER').cloudAccounts;
    expect(listed.map((a: { id: string }) => a.id)).toContain(account.id);
    expect(expectOk(await viewer.client.gql(GET, { id: account.id }), 'get as VIEWER').cloudAccount).toEqual(
      account,
    );

    const attempts: [string, () => Promise<GqlResult>][] = [
      ['connect AWS', () => viewer.client.gql(CONNECT_AWS, { input: awsInput() })],
      ['connect Azure', () => viewer.client.gql(CONNECT_AZURE, { input: azureInput() })],
      ['rename', () => viewer.client.gql(UPDATE, { id: account.id, input: { name: 'mine now' } })],
      ['verify', () => viewer.client.gql(VERIFY, { id: account.id })],
      ['delete', () => viewer.client.gql(DELETE, { id: account.id })],
    ];
    for (const [what, attempt] of attempts) {
      const result = await unchanged(attempt);
      expect({ what, errors: errorsOf(result) }).toEqual({
        what,
        errors: [expect.objectContaining({ code: 'FORBIDDEN', reason: 'INSUFFICIENT_ROLE' })],
      });
    }
  });

  it('verifies with the local check: VERIFIED, but marked simulated, and audited', async () => {
    const account = expectOk(
      await owner.gql(CONNECT_AZURE, { input: azureInput() }),
      'connect',
    ).connectAzureAccount;
    const verified = expectOk(await owner.gql(VERIFY, { id: account.id }), 'verify').verifyCloudAccount;
    expect(verified.verification).toEqual({
      status: 'VERIFIED',
      simulated: true,
      checkedAt: expect.any(String),
      verifiedAt: verified.verification.checkedAt,
      failureCode: null,
      failureReason: null,
    });
    const audit = await auditOf(account.id);
    expect(audit.map((row) => row.action)).toEqual(['cloud_account.connect', 'cloud_account.verify']);
    expect(audit[1].metadata).toEqual({ outcome: 'VERIFIED', simulated: true, failureCode: null });
  });

  it('renames and changes regions, audited; a taken name or an unknown region is refused, writing nothing', async () => {
    const first = expectOk(await owner.gql(CONNECT_AWS, { input: awsInput() }), 'connect').connectAwsAccount;
    const other = expectOk(await owner.gql(CONNECT_AWS, { input: awsInput() }), 'connect').connectAwsAccount;
    const newName = `Renamed ${randomUUID().slice(0, 8)}`;
    const updated = expectOk(
      await owner.gql(UPDATE, { id: first.id, input: { name: newName, allowedRegions: ['eu-central-1'] } }),
      'update',
    ).updateCloudAccount;
    expect(updated).toMatchObject({ name: newName, allowedRegions: ['eu-central-1'], aws: first.aws });
    const audit = await auditOf(first.id);
    expect(audit.at(-1)).toMatchObject({
      action: 'cloud_account.update',
      metadata: { fromName: first.name, toName: newName, allowedRegions: 'eu-central-1' },
    });

    const taken = await unchanged(() => owner.gql(UPDATE, { id: other.id, input: { name: newName } }));
    expect(errorsOf(taken)).toEqual([
      expect.objectContaining({ code: 'CONFLICT', reason: 'CLOUD_ACCOUNT_NAME_TAKEN' }),
    ]);
    const badRegion = await unchanged(() =>
      owner.gql(UPDATE, { id: other.id, input: { allowedRegions: ['westeurope'] } }),
    );
    expect(errorsOf(badRegion)).toEqual([
      expect.objectContaining({
        code: 'BAD_USER_INPUT',
        fields: [
          { field: 'allowedRegions.0', message: expect.stringContaining('westeurope is not a region') },
        ],
      }),
    ]);
  });

  it('deletes an account: gone from the list, NOT_FOUND after, audited', async () => {
    const account = expectOk(
      await owner.gql(CONNECT_AZURE, { input: azureInput() }),
      'connect',
    ).connectAzureAccount;
    expect(expectOk(await owner.gql(DELETE, { id: account.id }), 'delete').deleteCloudAccount).toEqual({
      id: account.id,
      name: account.name,
    });
    expect(await api.prisma.cloudAccount.findUnique({ where: { id: account.id } })).toBeNull();
    const listed = expectOk(await owner.gql(LIST), 'list').cloudAccounts;
    expect(listed.map((a: { id: string }) => a.id)).not.toContain(account.id);
    for (const query of [GET, DELETE, VERIFY]) {
      const again = await unchanged(() => owner.gql(query, { id: account.id }));
      expect(errorsOf(again)).toEqual([
        expect.objectContaining({ code: 'NOT_FOUND', reason: 'CLOUD_ACCOUNT_NOT_FOUND' }),
      ]);
    }
    expect((await auditOf(account.id)).map((row) => row.action)).toEqual([
      'cloud_account.connect',
      'cloud_account.delete',
    ]);
  });

  describe('bad input gets a typed error and writes nothing', () => {
    let existingName: string;
    beforeAll(async () => {
      existingName = expectOk(await owner.gql(CONNECT_AWS, { input: awsInput() }), 'connect')
        .connectAwsAccount.name;
    });

    it.each([
      [
        'an ARN that is not a role',
        CONNECT_AWS,
        () => awsInput({ roleArn: 'arn:aws:iam::123456789012:user/bob' }),
        'roleArn',
      ],
      [
        'an 11-digit account',
        CONNECT_AWS,
        () => awsInput({ roleArn: 'arn:aws:iam::12345678901:role/x' }),
        'roleArn',
      ],
      [
        'an Azure region for AWS',
        CONNECT_AWS,
        () => awsInput({ allowedRegions: ['westeurope'] }),
        'allowedRegions.0',
      ],
      ['no regions', CONNECT_AWS, () => awsInput({ allowedRegions: [] }), 'allowedRegions'],
      [
        'a repeated region',
        CONNECT_AWS,
        () => awsInput({ allowedRegions: ['eu-west-1', 'eu-west-1'] }),
        'allowedRegions.1',
      ],
      ['an empty name', CONNECT_AWS, () => awsInput({ name: '   ' }), 'name'],
      [
        'a tenant that is not a GUID',
        CONNECT_AZURE,
        () => azureInput({ tenantId: 'contoso.onmicrosoft.com' }),
        'tenantId',
      ],
      [
        'a secret with spaces',
        CONNECT_AZURE,
        () => azureInput({ clientSecret: 'has spaces in it' }),
        'clientSecret',
      ],
      [
        'a bad resource group',
        CONNECT_AZURE,
        () => azureInput({ resourceGroup: 'ends-with.' }),
        'resourceGroup',
      ],
      [
        'an AWS region for Azure',
        CONNECT_AZURE,
        () => azureInput({ allowedRegions: ['us-east-1'] }),
        'allowedRegions.0',
      ],
    ])('%s', async (_label, mutation, input, field) => {
      const given = input();
      const result = await unchanged(() => owner.gql(mutation, { input: given }));
      const [error, ...more] = result.errors ?? [];
      expect({ code: error?.extensions.code, reason: error?.extensions.reason, more }).toEqual({
        code: 'BAD_USER_INPUT',
        reason: 'INVALID_INPUT',
        more: [],
      });
      expect(error.extensions.fields?.map((f: { field: string }) => f.field)).toContain(field);
      if ('clientSecret' in given) expect(JSON.stringify(result)).not.toContain(given.clientSecret);
    });

    it('a name already taken in the organization (CONFLICT)', async () => {
      const result = await unchanged(() =>
        owner.gql(CONNECT_AZURE, { input: azureInput({ name: existingName }) }),
      );
      expect(errorsOf(result)).toEqual([
        expect.objectContaining({ code: 'CONFLICT', reason: 'CLOUD_ACCOUNT_NAME_TAKEN' }),
      ]);
    });

    it('an id that is not one', async () => {
      const result = await unchanged(() => owner.gql(VERIFY, { id: 'not-a-uuid' }));
      expect(errorsOf(result)).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT' })]);
    });
  });
});

describe('cloud accounts under the pulumi engine: the real verifiers, against fake clouds', () => {
  let cloudApi: TestApi;
  let sts: FakeAwsSts;
  let azure: FakeAzure;
  let admin: ApiClient;
  const goodSecret = azureSecret();

  beforeAll(async () => {
    [sts, azure] = await Promise.all([FakeAwsSts.start(), FakeAzure.start()]);
    azure.addApp({ tenantId: TENANT, clientId: CLIENT, secret: goodSecret });
    azure.addSubscription({ subscriptionId: SUBSCRIPTION, tenantId: TENANT, assignedApps: [CLIENT] });
    cloudApi = await startTestApi({
      LOG_LEVEL: 'trace',
      CLOUD_ENGINE: 'pulumi',
      STREAMPLANE_AWS_ACCOUNT_ID: '999999999999',
      AWS_STS_ENDPOINT: sts.url,
      AWS_ACCESS_KEY_ID: sts.callerAccessKeyId,
      AWS_SECRET_ACCESS_KEY: 'fake-secret-access-key-of-streamplane',
      AZURE_AUTHORITY_HOST: azure.url,
      AZURE_RESOURCE_MANAGER_URL: azure.url,
    });
    admin = cloudApi.client();
    await admin.signup();
  });
  afterAll(async () => {
    await cloudApi?.close();
    await Promise.all([sts?.close(), azure?.close()]);
  });

  it('AWS: FAILED with what to fix until the role trusts Streamplane with the external id, then VERIFIED; sessions audited', async () => {
    const account = expectOk(
      await admin.gql(CONNECT_AWS, { input: awsInput() }),
      'connect',
    ).connectAwsAccount;
    expect(JSON.parse(account.grant.awsTrustPolicy).Statement[0].Principal).toEqual({
      AWS: 'arn:aws:iam::999999999999:root',
    });

    const before = expectOk(await admin.gql(VERIFY, { id: account.id }), 'verify').verifyCloudAccount;
    expect(before.verification).toMatchObject({
      status: 'FAILED',
      simulated: false,
      failureCode: 'AWS_ASSUME_ROLE_DENIED',
      verifiedAt: null,
    });
    expect(before.verification.failureReason).toContain(account.aws.externalId);

    // The customer creates the role with the trust policy they were given.
    sts.addRole({ roleArn: account.aws.roleArn, externalId: account.aws.externalId });
    const after = expectOk(await admin.gql(VERIFY, { id: account.id }), 'verify').verifyCloudAccount;
    expect(after.verification).toMatchObject({
      status: 'VERIFIED',
      simulated: false,
      failureCode: null,
      failureReason: null,
    });
    expect(sts.calls.filter((c) => c.action === 'AssumeRole').at(-1)?.params).toMatchObject({
      RoleArn: account.aws.roleArn,
      ExternalId: account.aws.externalId,
    });

    const audit = await cloudApi.prisma.auditLog.findMany({
      where: { targetId: account.id },
      orderBy: { id: 'asc' },
    });
    expect(audit.map((row) => [row.action, row.metadata])).toEqual([
      ['cloud_account.connect', expect.anything()],
      [
        'cloud_account.verify',
        { outcome: 'FAILED', simulated: false, failureCode: 'AWS_ASSUME_ROLE_DENIED' },
      ],
      [
        'cloud_account.session',
        {
          purpose: 'verify',
          kind: 'aws-assume-role',
          principal: account.aws.roleArn,
          sessionName: expect.stringMatching(/^streamplane-verify-/),
          expiresAt: expect.any(String),
        },
      ],
      ['cloud_account.verify', { outcome: 'VERIFIED', simulated: false, failureCode: null }],
    ]);
  });

  it('Azure: a wrong secret is FAILED with what to fix; the right one reaches the cloud decrypted and VERIFIES', async () => {
    const wrong = expectOk(
      await admin.gql(CONNECT_AZURE, { input: azureInput() }),
      'connect',
    ).connectAzureAccount;
    const refused = expectOk(await admin.gql(VERIFY, { id: wrong.id }), 'verify').verifyCloudAccount;
    expect(refused.verification).toMatchObject({
      status: 'FAILED',
      failureCode: 'AZURE_CLIENT_SECRET_INVALID',
    });
    expect(refused.verification.failureReason).toMatch(/Certificates & secrets/);

    const right = expectOk(
      await admin.gql(CONNECT_AZURE, { input: azureInput({ clientSecret: goodSecret }) }),
      'connect',
    ).connectAzureAccount;
    const verified = expectOk(await admin.gql(VERIFY, { id: right.id }), 'verify').verifyCloudAccount;
    expect(verified.verification).toMatchObject({ status: 'VERIFIED', simulated: false });
    const session = await cloudApi.prisma.auditLog.findFirstOrThrow({
      where: { targetId: right.id, action: 'cloud_account.session' },
    });
    expect(session.metadata).toMatchObject({ kind: 'azure-client-credentials', principal: CLIENT });
  });

  it('a verification failure is a state, not an error: the api still answers 200 with the account', async () => {
    const account = expectOk(
      await admin.gql(CONNECT_AWS, { input: awsInput() }),
      'connect',
    ).connectAwsAccount;
    const result = await admin.gql(VERIFY, { id: account.id });
    expect(result.status).toBe(200);
    expect(result.errors ?? []).toEqual([]);
    expect(result.data.verifyCloudAccount.verification.status).toBe('FAILED');
  });

  it('never shows an Azure client secret: not in responses, plaintext columns, the audit log or any log line', async () => {
    // A sealed secret that no longer opens (tampered in the database) is our failure: INTERNAL with a
    // request id for the person, the error with its stack for the operator, and still no secret.
    const tampered = expectOk(
      await owner.gql(CONNECT_AZURE, { input: azureInput() }),
      'connect',
    ).connectAzureAccount;
    await api.prisma.$executeRaw`
      UPDATE cloud_accounts SET secret_ciphertext = set_byte(secret_ciphertext, 40, get_byte(secret_ciphertext, 40) # 1)
      WHERE id = ${tampered.id}::uuid`;
    const broken = await owner.gql(VERIFY, { id: tampered.id });
    expect(errorsOf(broken)).toEqual([
      expect.objectContaining({ code: 'INTERNAL', requestId: expect.any(String) }),
    ]);

    // Read everything back through the api, as an owner would.
    const listed = JSON.stringify(await admin.gql(LIST)) + JSON.stringify(await owner.gql(LIST));
    const logs = [...api.logs, ...cloudApi.logs].join('\n');
    expect(logs.length).toBeGreaterThan(10_000);
    expect(logs).toMatch(/CredentialDecryptionError.*failed authentication/); // the failure is in the logs…
    // …and every table of the database, as text (bytea shows as hex: check that form too).
    const tables = await api.prisma.$queryRaw<{ table_name: string }[]>`
      SELECT table_name::text AS table_name FROM information_schema.tables
      WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`;
    let database = '';
    for (const { table_name } of tables) {
      const [row] = await api.prisma.$queryRawUnsafe<{ dump: string | null }[]>(
        `SELECT string_agg(t::text, '|') AS dump FROM "${table_name}" t`,
      );
      database += row.dump ?? '';
    }
    expect(database).toContain('\\x01'); // sealed secrets are there (version byte 1)…
    expect(secretsGiven.length).toBeGreaterThan(5);
    const leaks = secretsGiven.flatMap((secret) => {
      const hex = Buffer.from(secret).toString('hex');
      return [
        ...(listed.includes(secret) ? [`a response holds ${secret}`] : []),
        ...(logs.includes(secret) ? [`a log line holds ${secret}`] : []),
        ...(database.includes(secret) || database.includes(hex) ? [`the database holds ${secret}`] : []),
      ];
    });
    expect(leaks).toEqual([]);
    expect(describeResult(await admin.gql(LIST))).not.toContain('clientSecret');
  });
});

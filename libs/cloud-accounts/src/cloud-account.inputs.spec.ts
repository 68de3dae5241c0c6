import { DomainError } from '@streamplane/errors';
import { parseInput } from '@streamplane/errors';
import { ConnectAwsInput, ConnectAzureInput, parseAwsRoleArn, UpdateInput } from './cloud-account.inputs';
import { cloudAccountGrant } from './grants/cloud-account-grant';
import { LocalCloudAccountVerifier } from './verification/local-verifier';

const SECRET = 'Q~very.secret_value-that-must-never-be-echoed';
const azure = {
  name: 'Prod subscription',
  tenantId: ' 11111111-2222-4333-8444-555555555555 ',
  clientId: 'AAAAAAAA-BBBB-4CCC-8DDD-EEEEEEEEEEEE',
  clientSecret: SECRET,
  subscriptionId: '99999999-8888-4777-8666-555555555555',
  allowedRegions: ['westeurope'],
};

function problems(run: () => unknown): { field: string; message: string }[] {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError) return error.details.fields ?? [];
    throw error;
  }
  throw new Error('expected the input to be refused');
}

describe('cloud account input', () => {
  it('reads the account and role name from an IAM role ARN, paths included', () => {
    expect(parseAwsRoleArn('arn:aws:iam::123456789012:role/streamplane')).toEqual({
      accountId: '123456789012',
      roleName: 'streamplane',
    });
    expect(parseAwsRoleArn('arn:aws:iam::123456789012:role/team/kafka/sp-role')?.roleName).toBe('sp-role');
    for (const bad of [
      'arn:aws:iam::12345678901:role/x', // 11 digits
      'arn:aws:iam::123456789012:user/x', // not a role
      'arn:aws-cn:iam::123456789012:role/x', // partition the catalog does not cover
      'arn:aws:iam::123456789012:role/',
    ]) {
      expect(parseAwsRoleArn(bad)).toBeUndefined();
    }
  });

  it('checks regions against the deployment catalog of the provider, naming the bad entry', () => {
    const ok = parseInput(ConnectAwsInput, {
      name: 'a',
      roleArn: 'arn:aws:iam::123456789012:role/x',
      allowedRegions: ['eu-west-1', 'us-east-1'],
    });
    expect(ok.allowedRegions).toEqual(['eu-west-1', 'us-east-1']);
    const found = problems(() =>
      parseInput(ConnectAwsInput, {
        name: 'a',
        roleArn: 'arn:aws:iam::123456789012:role/x',
        allowedRegions: ['eu-west-1', 'westeurope', 'eu-west-1'],
      }),
    );
    expect(found).toEqual([
      { field: 'allowedRegions.1', message: expect.stringContaining('westeurope is not a region') },
      { field: 'allowedRegions.2', message: 'repeats eu-west-1' },
    ]);
    expect(problems(() => parseInput(UpdateInput.AZURE, { allowedRegions: ['eu-west-1'] }))[0].field).toBe(
      'allowedRegions.0',
    );
    expect(problems(() => parseInput(UpdateInput.AZURE, { allowedRegions: [] }))[0].message).toMatch(
      /at least one/,
    );
  });

  it('normalises Azure GUIDs and never echoes the client secret in a refusal', () => {
    const parsed = parseInput(ConnectAzureInput, azure);
    expect(parsed.tenantId).toBe('11111111-2222-4333-8444-555555555555');
    expect(parsed.clientId).toBe('aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee');
    for (const bad of [
      { ...azure, clientSecret: `${SECRET} with spaces` },
      { ...azure, clientSecret: `${SECRET}${'x'.repeat(1100)}` },
      { ...azure, tenantId: SECRET },
    ]) {
      try {
        parseInput(ConnectAzureInput, bad);
        throw new Error('expected a refusal');
      } catch (error) {
        expect(error).toBeInstanceOf(DomainError);
        expect(JSON.stringify({ message: (error as Error).message, ...(error as object) })).not.toContain(
          SECRET,
        );
      }
    }
  });

  it.each([
    ['kafka.', /must not end with a period/],
    ['has space', /resource group name/],
    ['x'.repeat(91), /resource group name/],
  ])('refuses the resource group %j', (resourceGroup, message) => {
    expect(problems(() => parseInput(ConnectAzureInput, { ...azure, resourceGroup }))[0].message).toMatch(
      message,
    );
  });
});

describe('what to grant', () => {
  const aws = {
    provider: 'AWS' as const,
    awsAccountId: '123456789012',
    awsRoleArn: 'arn:aws:iam::123456789012:role/ops/streamplane',
    awsExternalId: 'streamplane-00112233445566778899aabbccddeeff',
    azureTenantId: null,
    azureClientId: null,
    azureSubscriptionId: null,
    azureResourceGroup: null,
  };

  it("AWS: a trust policy for Streamplane's account that requires this account's external id", () => {
    const grant = cloudAccountGrant(aws, '999999999999');
    expect(grant.awsTrustPolicy?.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::999999999999:root' },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': aws.awsExternalId } },
      }),
    ]);
    expect(grant.awsPermissionPolicy?.Statement.length).toBeGreaterThan(0);
    expect(grant.steps[0]).toContain('streamplane');
    expect(grant.azureRoleDefinition).toBeNull();
  });

  it('Azure: a custom role assignable at the subscription, or only at the resource group allowed', () => {
    const account = {
      ...aws,
      provider: 'AZURE' as const,
      awsAccountId: null,
      awsRoleArn: null,
      awsExternalId: null,
      azureTenantId: '11111111-2222-4333-8444-555555555555',
      azureClientId: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      azureSubscriptionId: '99999999-8888-4777-8666-555555555555',
    };
    const wide = cloudAccountGrant(account, '999999999999');
    expect(wide.azureScope).toBe('/subscriptions/99999999-8888-4777-8666-555555555555');
    expect(wide.azureRoleDefinition?.AssignableScopes).toEqual([wide.azureScope]);
    const narrow = cloudAccountGrant({ ...account, azureResourceGroup: 'kafka' }, '999999999999');
    expect(narrow.azureScope).toBe(
      '/subscriptions/99999999-8888-4777-8666-555555555555/resourceGroups/kafka',
    );
    expect(narrow.steps.join(' ')).toContain(`--assignee ${account.azureClientId}`);
    expect(narrow.steps.join(' ')).toContain('--condition-version 2.0');
    expect(narrow.azureRoleAssignmentCondition).toContain('roleAssignments/write');
    expect(narrow.awsTrustPolicy).toBeNull();
  });
});

describe('the local engine verifier', () => {
  const verifier = new LocalCloudAccountVerifier();
  const base = {
    cloudAccountId: 'x',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    externalId: 'streamplane-1',
  };

  it('passes a well-formed account and says the check was simulated', async () => {
    expect(await verifier.verify({ provider: 'AWS', accountId: '123456789012', ...base })).toEqual({
      ok: true,
      simulated: true,
      sessions: [],
    });
  });

  it('fails a role outside the account, still marked simulated', async () => {
    expect(await verifier.verify({ provider: 'AWS', accountId: '210987654321', ...base })).toMatchObject({
      ok: false,
      simulated: true,
      code: 'AWS_WRONG_ACCOUNT',
    });
  });
});

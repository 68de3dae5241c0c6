import { Logger } from '@nestjs/common';
import { FakeAwsSts } from '../testing/fake-aws-sts';
import { AwsStsVerifier } from './aws-sts-verifier';
import type { AwsVerificationTarget } from './cloud-account-verifier';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/streamplane-provisioner';
const EXTERNAL_ID = 'streamplane-0123456789abcdef0123456789abcdef';

// The verifier logs refusals for operators; these tests cause them on purpose.
beforeAll(() => Logger.overrideLogger(false));

describe('AwsStsVerifier against a fake STS (query API over HTTP)', () => {
  let sts: FakeAwsSts;
  const target: AwsVerificationTarget = {
    provider: 'AWS',
    cloudAccountId: '0c6f2c4e-5b1a-4c1e-9a43-5f5b8d1b2c3d',
    accountId: '123456789012',
    roleArn: ROLE_ARN,
    externalId: EXTERNAL_ID,
  };
  const verifier = () =>
    new AwsStsVerifier({
      region: 'eu-west-1',
      endpoint: sts.url,
      credentials: { accessKeyId: sts.callerAccessKeyId, secretAccessKey: 'fake-secret-key-of-streamplane' },
      streamplaneAccountId: '999999999999',
    });
  const signal = () => AbortSignal.timeout(10_000);

  beforeEach(async () => {
    sts = await FakeAwsSts.start();
    sts.addRole({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID });
  });
  afterEach(() => sts.close());

  it('assumes the role with the external id, then confirms the account with the assumed credentials', async () => {
    const result = await verifier().verify(target, signal());

    expect(result).toEqual({
      ok: true,
      simulated: false,
      sessions: [
        {
          kind: 'aws-assume-role',
          principal: ROLE_ARN,
          sessionName: expect.stringMatching(/^streamplane-verify-0c6f2c4e-[0-9a-z]+$/),
          expiresAt: expect.any(String),
        },
      ],
    });
    const [assume, whoami] = sts.calls;
    expect(assume).toMatchObject({
      action: 'AssumeRole',
      accessKeyId: sts.callerAccessKeyId,
      params: { RoleArn: ROLE_ARN, ExternalId: EXTERNAL_ID, DurationSeconds: '900' },
    });
    // The second call is signed with the session's own (ASIA…) key and token, not Streamplane's.
    expect(whoami.action).toBe('GetCallerIdentity');
    expect(whoami.accessKeyId).toMatch(/^ASIA/);
    expect(whoami.securityToken).toEqual(expect.any(String));
    expect(sts.calls).toHaveLength(2);
  });

  it('maps a wrong external id to AWS_ASSUME_ROLE_DENIED, telling the person which external id to require', async () => {
    const result = await verifier().verify(
      { ...target, externalId: 'streamplane-someone-elses-id' },
      signal(),
    );
    expect(result).toMatchObject({ ok: false, code: 'AWS_ASSUME_ROLE_DENIED', sessions: [] });
    if (result.ok) throw new Error('expected a failure');
    expect(result.reason).toContain('streamplane-someone-elses-id');
    expect(result.reason).toContain('999999999999');
    expect(result.reason).toContain('trust policy');
  });

  it('maps a role that does not exist (AccessDenied) to AWS_ASSUME_ROLE_DENIED naming the role', async () => {
    const missing = 'arn:aws:iam::123456789012:role/not-there';
    const result = await verifier().verify({ ...target, roleArn: missing }, signal());
    expect(result).toMatchObject({ ok: false, code: 'AWS_ASSUME_ROLE_DENIED' });
    if (!result.ok) expect(result.reason).toContain(missing);
  });

  it('refuses a role that answers from another account (AWS_WRONG_ACCOUNT), after recording the session', async () => {
    sts.addRole({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID, reportsAccount: '210987654321' });
    const result = await verifier().verify(target, signal());
    expect(result).toMatchObject({ ok: false, code: 'AWS_WRONG_ACCOUNT' });
    if (result.ok) throw new Error('expected a failure');
    expect(result.reason).toContain('210987654321');
    expect(result.sessions).toHaveLength(1); // the role was assumed: that session is audited too
  });

  it('maps a disabled STS region to AWS_STS_REGION_DISABLED with where to turn it on', async () => {
    sts.regionDisabled = true;
    const result = await verifier().verify(target, signal());
    expect(result).toMatchObject({ ok: false, code: 'AWS_STS_REGION_DISABLED' });
    if (!result.ok) expect(result.reason).toContain('Account settings');
  });

  it("blames Streamplane, not the customer, when Streamplane's own credentials are refused", async () => {
    const wrongSelf = new AwsStsVerifier({
      region: 'eu-west-1',
      endpoint: sts.url,
      credentials: { accessKeyId: 'FAKE-KEY-NOT-STREAMPLANE', secretAccessKey: 'whatever-secret-key' },
      streamplaneAccountId: '999999999999',
    });
    const result = await wrongSelf.verify(target, signal());
    expect(result).toMatchObject({ ok: false, code: 'CLOUD_UNAVAILABLE' });
    if (!result.ok) expect(result.reason).toContain('nothing is wrong with your account');
  });

  it('reports an unreachable STS as CLOUD_UNAVAILABLE', async () => {
    await sts.close();
    const result = await verifier().verify(target, signal());
    expect(result).toMatchObject({ ok: false, code: 'CLOUD_UNAVAILABLE', sessions: [] });
    sts = await FakeAwsSts.start(); // for afterEach
  });
});

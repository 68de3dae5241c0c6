import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { ProvisioningError, ProvisioningErrorCode } from '@streamplane/provisioning';
import { AwsRoleAssumer } from '../aws/aws-role-assumer';
import { FakeAwsSts } from '../testing/fake-aws-sts';
import { assumeRunSession, RUN_SESSION_SECONDS, runSessionName } from './aws-run-session';

const ROLE_ARN = 'arn:aws:iam::123456789012:role/streamplane-provisioner';
const EXTERNAL_ID = 'streamplane-0123456789abcdef0123456789abcdef';
const DEPLOYMENT_ID = '6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34';
const STREAMPLANE_SECRET = 'fake-secret-key-of-streamplane';

describe('assumeRunSession: the customer role for one provisioning run (fake STS over HTTP)', () => {
  let sts: FakeAwsSts;
  const assumer = (endpoint = sts.url, accessKeyId = sts.callerAccessKeyId) =>
    new AwsRoleAssumer({
      region: 'eu-west-1',
      endpoint,
      credentials: { accessKeyId, secretAccessKey: STREAMPLANE_SECRET },
    });
  const request = (extra: Partial<Parameters<typeof assumeRunSession>[1]> = {}) => ({
    role: { roleArn: ROLE_ARN, externalId: EXTERNAL_ID },
    accountId: '123456789012',
    sessionName: runSessionName('up', DEPLOYMENT_ID),
    timeoutMs: 5000,
    ...extra,
  });

  async function failure(promise: Promise<unknown>): Promise<ProvisioningError> {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProvisioningError);
    const typed = error as ProvisioningError;
    // Whatever went wrong, no credential is ever part of the message.
    expect(typed.message).not.toContain(STREAMPLANE_SECRET);
    expect(typed.message).not.toContain(EXTERNAL_ID);
    return typed;
  }

  beforeEach(async () => {
    sts = await FakeAwsSts.start();
    sts.addRole({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID });
  });
  afterEach(() => sts.close());

  it('assumes the role with the external id for an hour, in a session named after the run and deployment', async () => {
    const { credentials, session } = await assumeRunSession(assumer(), request());
    expect(credentials).toEqual({
      cloud: 'aws',
      accessKeyId: expect.stringMatching(/^ASIA/),
      secretAccessKey: expect.any(String),
      sessionToken: expect.any(String),
      expiresAt: expect.any(String),
    });
    expect(session).toEqual({
      kind: 'aws-assume-role',
      principal: ROLE_ARN,
      sessionName: `streamplane-up-${DEPLOYMENT_ID}`,
      expiresAt: credentials.expiresAt,
    });
    expect(sts.calls).toEqual([
      expect.objectContaining({
        action: 'AssumeRole',
        accessKeyId: sts.callerAccessKeyId,
        params: expect.objectContaining({
          RoleArn: ROLE_ARN,
          ExternalId: EXTERNAL_ID,
          RoleSessionName: `streamplane-up-${DEPLOYMENT_ID}`,
          DurationSeconds: String(RUN_SESSION_SECONDS),
        }),
      }),
    ]);
  });

  it('names sessions within what STS accepts (64 characters of [\\w+=,.@-])', () => {
    for (const operation of ['preview', 'up', 'destroy', 'refresh']) {
      expect(runSessionName(operation, DEPLOYMENT_ID)).toMatch(/^[\w+=,.@-]{2,64}$/);
    }
    expect(runSessionName('up', `${'x'.repeat(80)} /`)).toHaveLength(64);
  });

  it('a role that no longer trusts Streamplane with the external id: CREDENTIALS_REJECTED, not retried', async () => {
    sts.addRole({ roleArn: ROLE_ARN, externalId: 'streamplane-another-id' });
    const error = await failure(assumeRunSession(assumer(), request()));
    expect(error).toMatchObject({ code: ProvisioningErrorCode.CREDENTIALS_REJECTED, retryable: false });
    expect(error.message).toContain(ROLE_ARN);
  });

  it('STS not activated in the region for the account: CREDENTIALS_REJECTED with where to turn it on', async () => {
    sts.regionDisabled = true;
    const error = await failure(assumeRunSession(assumer(), request()));
    expect(error).toMatchObject({ code: ProvisioningErrorCode.CREDENTIALS_REJECTED, retryable: false });
    expect(error.message).toContain('Account settings');
  });

  it("Streamplane's own credentials refused: ENGINE_UNAVAILABLE, retried, not blamed on the customer", async () => {
    const error = await failure(assumeRunSession(assumer(sts.url, 'FAKE-KEY-NOT-STREAMPLANE'), request()));
    expect(error).toMatchObject({ code: ProvisioningErrorCode.ENGINE_UNAVAILABLE, retryable: true });
    expect(error.message).toContain('nothing is wrong with account 123456789012');
  });

  it('STS unreachable: ENGINE_UNAVAILABLE, retried', async () => {
    const url = sts.url;
    await sts.close();
    const error = await failure(assumeRunSession(assumer(url), request()));
    expect(error).toMatchObject({ code: ProvisioningErrorCode.ENGINE_UNAVAILABLE, retryable: true });
    sts = await FakeAwsSts.start(); // for afterEach
  });

  describe('against an STS that never answers', () => {
    let silent: Server;
    let url: string;
    const sockets: Socket[] = [];
    beforeAll(async () => {
      silent = createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
      await new Promise((resolve) => silent.once('listening', resolve));
      url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('gives up after the timeout: ENGINE_UNAVAILABLE, retried', async () => {
      const error = await failure(assumeRunSession(assumer(url), request({ timeoutMs: 300 })));
      expect(error).toMatchObject({ code: ProvisioningErrorCode.ENGINE_UNAVAILABLE, retryable: true });
      expect(error.message).toContain('did not answer within');
    });

    it('stops waiting when the run is cancelled: CANCELLED', async () => {
      const cancel = new AbortController();
      setTimeout(() => cancel.abort(), 100);
      const error = await failure(assumeRunSession(assumer(url), request({ signal: cancel.signal })));
      expect(error.code).toBe(ProvisioningErrorCode.CANCELLED);
    });
  });

  it('does not call STS for a run that is already cancelled', async () => {
    const error = await failure(assumeRunSession(assumer(), request({ signal: AbortSignal.abort() })));
    expect(error.code).toBe(ProvisioningErrorCode.CANCELLED);
    expect(sts.calls).toEqual([]);
  });
});

import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Logger } from '@nestjs/common';
import {
  failed,
  VerificationFailureCode as Code,
  type AwsVerificationTarget,
  type CloudSession,
  type VerificationResult,
} from './cloud-account-verifier';

export interface AwsStsVerifierOptions {
  /** The STS region Streamplane calls (its regional endpoint unless `endpoint` is set). */
  region: string;
  endpoint?: string;
  /** Streamplane's own identity; when absent, the AWS SDK's default chain (instance role, IRSA, env). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** The account customers' trust policies name: used in what the person is told to check. */
  streamplaneAccountId: string;
}

/** Session length asked of STS when verifying: the minimum STS allows. */
const VERIFY_SESSION_SECONDS = 900;

/** STS error codes that mean Streamplane's own credentials were refused, not the customer's role. */
const OWN_CREDENTIAL_ERRORS = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'ExpiredTokenException',
  'UnrecognizedClientException',
  'IncompleteSignature',
  'MissingAuthenticationToken',
  'CredentialsProviderError',
]);

/**
 * Verifies an AWS account the way provisioning will use it: assume the customer's role with the account's
 * external id (STS AssumeRole), then ask STS who the assumed credentials belong to (GetCallerIdentity)
 * and check that it is the customer's account. The role's session name starts with `streamplane-verify-`
 * so the customer can find these calls in CloudTrail.
 */
export class AwsStsVerifier {
  private readonly logger = new Logger(AwsStsVerifier.name);

  constructor(private readonly options: AwsStsVerifierOptions) {}

  async verify(target: AwsVerificationTarget, signal: AbortSignal): Promise<VerificationResult> {
    const sessionName = `streamplane-verify-${target.cloudAccountId.slice(0, 8)}-${Date.now().toString(36)}`;
    const streamplane = this.client(this.options.credentials);
    let assumed;
    try {
      assumed = await streamplane.send(
        new AssumeRoleCommand({
          RoleArn: target.roleArn,
          RoleSessionName: sessionName,
          ExternalId: target.externalId,
          DurationSeconds: VERIFY_SESSION_SECONDS,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      return this.assumeRoleFailure(error, target);
    } finally {
      streamplane.destroy();
    }
    const credentials = assumed.Credentials;
    if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
      return failed(
        Code.CLOUD_UNAVAILABLE,
        'AWS STS answered without credentials. Try again in a few minutes.',
      );
    }
    const session: CloudSession = {
      kind: 'aws-assume-role',
      principal: target.roleArn,
      sessionName,
      expiresAt: credentials.Expiration?.toISOString() ?? null,
    };

    const asCustomer = this.client({
      accessKeyId: credentials.AccessKeyId,
      secretAccessKey: credentials.SecretAccessKey,
      sessionToken: credentials.SessionToken,
    });
    let identity;
    try {
      identity = await asCustomer.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    } catch (error) {
      this.logger.warn(
        { cloudAccountId: target.cloudAccountId, error: describe(error) },
        'GetCallerIdentity failed',
      );
      return failed(
        Code.CLOUD_UNAVAILABLE,
        `Streamplane assumed ${target.roleArn} but AWS STS did not confirm the session (${describe(error)}). ` +
          'This is usually temporary: verify again in a few minutes.',
        [session],
      );
    } finally {
      asCustomer.destroy();
    }
    const expectedPrefix = `arn:aws:sts::${target.accountId}:assumed-role/`;
    if (identity.Account !== target.accountId || !identity.Arn?.startsWith(expectedPrefix)) {
      return failed(
        Code.AWS_WRONG_ACCOUNT,
        `The role answered as AWS account ${identity.Account ?? 'unknown'}, not ${target.accountId}. ` +
          `Check the role ARN: it must be a role in account ${target.accountId}.`,
        [session],
      );
    }
    return { ok: true, simulated: false, sessions: [session] };
  }

  private client(credentials: AwsStsVerifierOptions['credentials']): STSClient {
    return new STSClient({
      region: this.options.region,
      endpoint: this.options.endpoint,
      credentials,
      maxAttempts: 2,
    });
  }

  private assumeRoleFailure(error: unknown, target: AwsVerificationTarget): VerificationResult {
    const code = errorCode(error);
    if (code === 'AccessDenied' || code === 'AccessDeniedException') {
      // AWS gives one answer for a missing role, a trust policy without Streamplane, and a wrong external id.
      return failed(
        Code.AWS_ASSUME_ROLE_DENIED,
        `AWS refused to let Streamplane assume ${target.roleArn}. Check that the role exists in account ` +
          `${target.accountId}, that its trust policy lets AWS account ${this.options.streamplaneAccountId} ` +
          `call sts:AssumeRole, and that it requires the external id ${target.externalId} exactly ` +
          '(copy the trust policy shown with this account).',
      );
    }
    if (code === 'RegionDisabledException') {
      return failed(
        Code.AWS_STS_REGION_DISABLED,
        `AWS STS is not activated in ${this.options.region} for account ${target.accountId}. Activate it in ` +
          'the IAM console under Account settings → Security Token Service (STS), then verify again.',
      );
    }
    if (code && OWN_CREDENTIAL_ERRORS.has(code)) {
      this.logger.error(
        { cloudAccountId: target.cloudAccountId, error: describe(error) },
        "Streamplane's own AWS credentials were refused by STS",
      );
      return failed(
        Code.CLOUD_UNAVAILABLE,
        'Streamplane could not sign in to AWS itself; nothing is wrong with your account as far as we can ' +
          'tell. Verify again later; we have been alerted.',
      );
    }
    this.logger.warn({ cloudAccountId: target.cloudAccountId, error: describe(error) }, 'AssumeRole failed');
    return failed(
      Code.CLOUD_UNAVAILABLE,
      `AWS STS did not answer (${describe(error)}). This is usually temporary: verify again in a few minutes.`,
    );
  }
}

function errorCode(error: unknown): string | undefined {
  const candidate = error as { name?: unknown; Code?: unknown } | null;
  if (typeof candidate?.Code === 'string') return candidate.Code;
  return typeof candidate?.name === 'string' ? candidate.name : undefined;
}

/** A short description without anything the error may carry beyond its code and status. */
function describe(error: unknown): string {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const network = (error as { code?: unknown } | null)?.code;
  const code = typeof network === 'string' ? network : (errorCode(error) ?? 'error');
  return status ? `${code}, HTTP ${status}` : code;
}

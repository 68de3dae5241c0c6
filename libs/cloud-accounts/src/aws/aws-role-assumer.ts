import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AppConfig } from '@streamplane/config';
import type { CloudSession } from '../verification/cloud-account-verifier';

/** How Streamplane reaches AWS STS, and as whom. */
export interface AwsStsOptions {
  /** The STS region Streamplane calls (its regional endpoint unless `endpoint` is set). */
  region: string;
  endpoint?: string;
  /** Streamplane's own identity; when absent, the AWS SDK's default chain (instance role, IRSA, env). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

export function awsStsOptionsOf(config: AppConfig): AwsStsOptions {
  const { aws } = config.cloud;
  return { region: aws.stsRegion, endpoint: aws.stsEndpoint, credentials: aws.credentials };
}

/** A customer's role and the external id its trust policy requires. */
export interface CustomerRole {
  roleArn: string;
  externalId: string;
}

/** Temporary credentials of an assumed role. Secret: never logged, never stored. */
export interface AwsSessionCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  /** ISO-8601, when STS says. */
  expiresAt: string | null;
}

/** Why AssumeRole failed, in the terms its callers (verification, provisioning runs) branch on. */
export type AssumeRoleFailure =
  /** AWS's single answer for a missing role, a trust policy without Streamplane, and a wrong external id. */
  | 'ROLE_DENIED'
  /** STS is not activated in the region for the customer's account. */
  | 'REGION_DISABLED'
  /** Streamplane's own credentials were refused: nothing the customer can fix. */
  | 'STREAMPLANE_REFUSED'
  /** No usable answer (network, timeout, throttling, 5xx): usually temporary. */
  | 'UNAVAILABLE';

export type AssumeRoleOutcome =
  | { ok: true; credentials: AwsSessionCredentials; session: CloudSession }
  /** `detail`: the error's code and HTTP status only, never its message or the request. */
  | { ok: false; failure: AssumeRoleFailure; detail: string };

/** STS error codes that mean Streamplane's own credentials were refused, not the customer's role. */
const STREAMPLANE_REFUSED = new Set([
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
 * Assumes customers' roles (STS AssumeRole with the account's external id) as Streamplane's own identity.
 * The one place that does, for verification and for provisioning runs alike; each caller names the session
 * (it shows in the customer's CloudTrail) and records it in the audit log.
 */
export class AwsRoleAssumer {
  constructor(private readonly options: AwsStsOptions) {}

  async assume(
    role: CustomerRole,
    sessionName: string,
    durationSeconds: number,
    signal: AbortSignal,
  ): Promise<AssumeRoleOutcome> {
    const streamplane = this.client(this.options.credentials);
    let answer;
    try {
      answer = await streamplane.send(
        new AssumeRoleCommand({
          RoleArn: role.roleArn,
          RoleSessionName: sessionName,
          ExternalId: role.externalId,
          DurationSeconds: durationSeconds,
        }),
        { abortSignal: signal },
      );
    } catch (error) {
      return { ok: false, failure: classify(error), detail: describeAwsError(error) };
    } finally {
      streamplane.destroy();
    }
    const given = answer.Credentials;
    if (!given?.AccessKeyId || !given.SecretAccessKey || !given.SessionToken) {
      return { ok: false, failure: 'UNAVAILABLE', detail: 'an answer without credentials' };
    }
    const expiresAt = given.Expiration?.toISOString() ?? null;
    return {
      ok: true,
      credentials: {
        accessKeyId: given.AccessKeyId,
        secretAccessKey: given.SecretAccessKey,
        sessionToken: given.SessionToken,
        expiresAt,
      },
      session: { kind: 'aws-assume-role', principal: role.roleArn, sessionName, expiresAt },
    };
  }

  /** An STS client as `credentials` (Streamplane's own when absent): for calls made with an assumed role. */
  client(credentials: AwsStsOptions['credentials']): STSClient {
    return new STSClient({
      region: this.options.region,
      endpoint: this.options.endpoint,
      credentials,
      maxAttempts: 2,
    });
  }
}

function classify(error: unknown): AssumeRoleFailure {
  const code = errorCode(error);
  if (code === 'AccessDenied' || code === 'AccessDeniedException') return 'ROLE_DENIED';
  if (code === 'RegionDisabledException') return 'REGION_DISABLED';
  if (code && STREAMPLANE_REFUSED.has(code)) return 'STREAMPLANE_REFUSED';
  return 'UNAVAILABLE';
}

function errorCode(error: unknown): string | undefined {
  const candidate = error as { name?: unknown; Code?: unknown } | null;
  if (typeof candidate?.Code === 'string') return candidate.Code;
  return typeof candidate?.name === 'string' ? candidate.name : undefined;
}

/** A short description without anything the error may carry beyond its code and status. */
export function describeAwsError(error: unknown): string {
  const status = (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const network = (error as { code?: unknown } | null)?.code;
  const code = typeof network === 'string' ? network : (errorCode(error) ?? 'error');
  return status ? `${code}, HTTP ${status}` : code;
}

import {
  ProvisioningError,
  ProvisioningErrorCode,
  cancelledError,
  type AwsCredentials,
} from '@streamplane/provisioning';
import type { AwsRoleAssumer, CustomerRole } from '../aws/aws-role-assumer';
import type { CloudSession } from '../verification/cloud-account-verifier';

/**
 * Session length of a run: one hour. It is the longest STS grants when Streamplane itself runs under an
 * assumed role (role chaining, e.g. IRSA on EKS) and a new role's default maximum, so it never fails on a
 * role nobody has tuned. A run that outlasts it fails with CREDENTIALS_REJECTED; its retry gets a new one.
 */
export const RUN_SESSION_SECONDS = 3600;

/**
 * The role session name of a run, shown in the customer's CloudTrail: what ran and for which deployment,
 * e.g. `streamplane-up-6d1f3c2a-8e4b-4f7a-9c21-5b0e7d9a1f34` (STS allows 64 characters of `[\w+=,.@-]`).
 */
export function runSessionName(operation: string, deploymentId: string): string {
  return `streamplane-${operation}-${deploymentId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

export interface AwsRunSessionRequest {
  role: CustomerRole;
  /** For messages: the account the role is in. */
  accountId: string;
  sessionName: string;
  /** The run's own signal: when it fires, the run was cancelled. */
  signal?: AbortSignal;
  /** How long STS may take to answer. */
  timeoutMs: number;
}

/**
 * Assumes the customer's role for one run, or fails with a ProvisioningError the operation runner acts on:
 * the customer must change something → CREDENTIALS_REJECTED (not retried); STS or Streamplane's own identity
 * failing → ENGINE_UNAVAILABLE (retried with backoff). Messages name the role, never a credential.
 */
export async function assumeRunSession(
  sts: AwsRoleAssumer,
  request: AwsRunSessionRequest,
): Promise<{ credentials: AwsCredentials; session: CloudSession }> {
  const { role, accountId, sessionName, signal, timeoutMs } = request;
  if (signal?.aborted) throw cancelledError();
  const timeout = AbortSignal.timeout(timeoutMs);
  const assumed = await sts.assume(
    role,
    sessionName,
    RUN_SESSION_SECONDS,
    signal ? AbortSignal.any([signal, timeout]) : timeout,
  );
  if (assumed.ok) {
    const { accessKeyId, secretAccessKey, sessionToken, expiresAt } = assumed.credentials;
    return {
      credentials: {
        cloud: 'aws',
        accessKeyId,
        secretAccessKey,
        sessionToken,
        ...(expiresAt ? { expiresAt } : {}),
      },
      session: assumed.session,
    };
  }
  if (signal?.aborted) throw cancelledError();
  switch (assumed.failure) {
    case 'ROLE_DENIED':
      return rejected(
        `AWS refused to let Streamplane assume ${role.roleArn}: the role, its trust policy or the external id ` +
          'it requires changed since the cloud account was verified. Fix the role (or verify the account ' +
          'again to see what is wrong), then retry the operation.',
      );
    case 'REGION_DISABLED':
      return rejected(
        `AWS STS is not activated for account ${accountId} in the region Streamplane calls. Activate it in ` +
          'the IAM console under Account settings → Security Token Service (STS), then retry the operation.',
      );
    case 'STREAMPLANE_REFUSED':
      throw new ProvisioningError(
        ProvisioningErrorCode.ENGINE_UNAVAILABLE,
        `Streamplane could not sign in to AWS itself (${assumed.detail}); nothing is wrong with account ` +
          `${accountId} as far as we can tell. The operation will be retried.`,
      );
    case 'UNAVAILABLE':
      throw new ProvisioningError(
        ProvisioningErrorCode.ENGINE_UNAVAILABLE,
        timeout.aborted
          ? `AWS STS did not answer within ${Math.round(timeoutMs / 1000)} s when assuming ${role.roleArn}`
          : `AWS STS did not answer (${assumed.detail}) when assuming ${role.roleArn}`,
      );
  }
}

function rejected(message: string): never {
  throw new ProvisioningError(ProvisioningErrorCode.CREDENTIALS_REJECTED, message);
}

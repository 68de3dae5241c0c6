/**
 * Verification: does the account Streamplane was given work the way the grant says it should? One
 * interface, three implementations: AWS (STS), Azure (Entra ID + Resource Manager) and, under the local
 * cloud engine, a shape check that touches no cloud and says so (`simulated`).
 */

/** What a verifier needs. Secrets arrive decrypted for this call only and must not be kept or logged. */
export type VerificationTarget = AwsVerificationTarget | AzureVerificationTarget;

export interface AwsVerificationTarget {
  provider: 'AWS';
  cloudAccountId: string;
  accountId: string;
  roleArn: string;
  externalId: string;
}

export interface AzureVerificationTarget {
  provider: 'AZURE';
  cloudAccountId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  subscriptionId: string;
  resourceGroup: string | null;
}

/**
 * A session Streamplane opened in the customer's cloud while verifying (an assumed AWS role, an Azure
 * token), or handed to a provisioning run (an assumed AWS role, the Azure service principal the run signs
 * in with). Each is written to the audit log.
 */
export interface CloudSession {
  kind: 'aws-assume-role' | 'azure-client-credentials';
  /** The role ARN, or the Azure application (client) id. */
  principal: string;
  /**
   * AWS: the role session name (shows in the customer's CloudTrail). Azure: the token's audience when
   * verifying, the run's name (`streamplane-<operation>-<deployment id>`) for a run.
   */
  sessionName: string;
  expiresAt: string | null;
}

/** Stable codes the dashboard and automation can branch on; each comes with a sentence for the person. */
export enum VerificationFailureCode {
  AWS_ASSUME_ROLE_DENIED = 'AWS_ASSUME_ROLE_DENIED',
  AWS_WRONG_ACCOUNT = 'AWS_WRONG_ACCOUNT',
  AWS_STS_REGION_DISABLED = 'AWS_STS_REGION_DISABLED',
  AZURE_TENANT_NOT_FOUND = 'AZURE_TENANT_NOT_FOUND',
  AZURE_APP_NOT_FOUND = 'AZURE_APP_NOT_FOUND',
  AZURE_CLIENT_SECRET_INVALID = 'AZURE_CLIENT_SECRET_INVALID',
  AZURE_CLIENT_SECRET_EXPIRED = 'AZURE_CLIENT_SECRET_EXPIRED',
  AZURE_SIGN_IN_FAILED = 'AZURE_SIGN_IN_FAILED',
  AZURE_SUBSCRIPTION_NOT_FOUND = 'AZURE_SUBSCRIPTION_NOT_FOUND',
  AZURE_SUBSCRIPTION_ACCESS_DENIED = 'AZURE_SUBSCRIPTION_ACCESS_DENIED',
  AZURE_SUBSCRIPTION_DISABLED = 'AZURE_SUBSCRIPTION_DISABLED',
  AZURE_RESOURCE_GROUP_NOT_FOUND = 'AZURE_RESOURCE_GROUP_NOT_FOUND',
  AZURE_RESOURCE_GROUP_ACCESS_DENIED = 'AZURE_RESOURCE_GROUP_ACCESS_DENIED',
  /** Not the customer's doing: the cloud did not answer, or Streamplane's own identity was refused. */
  CLOUD_UNAVAILABLE = 'CLOUD_UNAVAILABLE',
}

export type VerificationResult =
  | { ok: true; simulated: boolean; sessions: CloudSession[] }
  | {
      ok: false;
      simulated: boolean;
      code: VerificationFailureCode;
      /** For the customer: what is wrong and what to change. Never holds a secret. */
      reason: string;
      sessions: CloudSession[];
    };

export interface CloudAccountVerifier {
  verify(target: VerificationTarget, signal: AbortSignal): Promise<VerificationResult>;
}

/** The Nest token under which the engine's verifier is provided. */
export const CLOUD_ACCOUNT_VERIFIER = Symbol('CLOUD_ACCOUNT_VERIFIER');

export function failed(
  code: VerificationFailureCode,
  reason: string,
  sessions: CloudSession[] = [],
  simulated = false,
): VerificationResult {
  return { ok: false, simulated, code, reason, sessions };
}

import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { Logger } from '@nestjs/common';
import {
  AwsRoleAssumer,
  describeAwsError,
  type AssumeRoleFailure,
  type AwsStsOptions,
} from '../aws/aws-role-assumer';
import {
  failed,
  VerificationFailureCode as Code,
  type AwsVerificationTarget,
  type VerificationResult,
} from './cloud-account-verifier';

export interface AwsStsVerifierOptions extends AwsStsOptions {
  /** The account customers' trust policies name: used in what the person is told to check. */
  streamplaneAccountId: string;
}

/** Session length asked of STS when verifying: the minimum STS allows. */
const VERIFY_SESSION_SECONDS = 900;

/**
 * Verifies an AWS account the way provisioning will use it: assume the customer's role with the account's
 * external id (STS AssumeRole), then ask STS who the assumed credentials belong to (GetCallerIdentity)
 * and check that it is the customer's account. The role's session name starts with `streamplane-verify-`
 * so the customer can find these calls in CloudTrail.
 */
export class AwsStsVerifier {
  private readonly logger = new Logger(AwsStsVerifier.name);
  private readonly sts: AwsRoleAssumer;

  constructor(private readonly options: AwsStsVerifierOptions) {
    this.sts = new AwsRoleAssumer(options);
  }

  async verify(target: AwsVerificationTarget, signal: AbortSignal): Promise<VerificationResult> {
    const sessionName = `streamplane-verify-${target.cloudAccountId.slice(0, 8)}-${Date.now().toString(36)}`;
    const assumed = await this.sts.assume(target, sessionName, VERIFY_SESSION_SECONDS, signal);
    if (!assumed.ok) return this.assumeRoleFailure(assumed.failure, assumed.detail, target);
    const { credentials, session } = assumed;

    const asCustomer = this.sts.client({
      accessKeyId: credentials.accessKeyId,
      secretAccessKey: credentials.secretAccessKey,
      sessionToken: credentials.sessionToken,
    });
    let identity;
    try {
      identity = await asCustomer.send(new GetCallerIdentityCommand({}), { abortSignal: signal });
    } catch (error) {
      const detail = describeAwsError(error);
      this.logger.warn({ cloudAccountId: target.cloudAccountId, error: detail }, 'GetCallerIdentity failed');
      return failed(
        Code.CLOUD_UNAVAILABLE,
        `Streamplane assumed ${target.roleArn} but AWS STS did not confirm the session (${detail}). ` +
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

  private assumeRoleFailure(
    failure: AssumeRoleFailure,
    detail: string,
    target: AwsVerificationTarget,
  ): VerificationResult {
    switch (failure) {
      case 'ROLE_DENIED':
        return failed(
          Code.AWS_ASSUME_ROLE_DENIED,
          `AWS refused to let Streamplane assume ${target.roleArn}. Check that the role exists in account ` +
            `${target.accountId}, that its trust policy lets AWS account ${this.options.streamplaneAccountId} ` +
            `call sts:AssumeRole, and that it requires the external id ${target.externalId} exactly ` +
            '(copy the trust policy shown with this account).',
        );
      case 'REGION_DISABLED':
        return failed(
          Code.AWS_STS_REGION_DISABLED,
          `AWS STS is not activated in ${this.options.region} for account ${target.accountId}. Activate it in ` +
            'the IAM console under Account settings → Security Token Service (STS), then verify again.',
        );
      case 'STREAMPLANE_REFUSED':
        this.logger.error(
          { cloudAccountId: target.cloudAccountId, error: detail },
          "Streamplane's own AWS credentials were refused by STS",
        );
        return failed(
          Code.CLOUD_UNAVAILABLE,
          'Streamplane could not sign in to AWS itself; nothing is wrong with your account as far as we can ' +
            'tell. Verify again later; we have been alerted.',
        );
      case 'UNAVAILABLE':
        this.logger.warn({ cloudAccountId: target.cloudAccountId, error: detail }, 'AssumeRole failed');
        return failed(
          Code.CLOUD_UNAVAILABLE,
          `AWS STS did not answer (${detail}). This is usually temporary: verify again in a few minutes.`,
        );
    }
  }
}

import { parseAwsRoleArn } from '../cloud-account.inputs';
import {
  failed,
  VerificationFailureCode as Code,
  type CloudAccountVerifier,
  type VerificationResult,
  type VerificationTarget,
} from './cloud-account-verifier';

/**
 * The local cloud engine's verifier: no cloud is called. It checks that what was stored hangs together
 * (the role is in the account, the secret decrypted to something) and reports VERIFIED with
 * `simulated: true`, so nobody mistakes it for a real check.
 */
export class LocalCloudAccountVerifier implements CloudAccountVerifier {
  verify(target: VerificationTarget): Promise<VerificationResult> {
    return Promise.resolve(check(target));
  }
}

function check(target: VerificationTarget): VerificationResult {
  switch (target.provider) {
    case 'AWS':
      if (parseAwsRoleArn(target.roleArn)?.accountId !== target.accountId || !target.externalId) {
        const reason = `The role ${target.roleArn} is not in AWS account ${target.accountId}.`;
        return failed(Code.AWS_WRONG_ACCOUNT, reason, [], true);
      }
      return { ok: true, simulated: true, sessions: [] };
    case 'AZURE':
      if (!target.clientSecret) {
        return failed(Code.AZURE_CLIENT_SECRET_INVALID, 'The client secret is empty.', [], true);
      }
      return { ok: true, simulated: true, sessions: [] };
  }
}

import type { AwsStsVerifier } from './aws-sts-verifier';
import type { AzureArmVerifier } from './azure-arm-verifier';
import type { CloudAccountVerifier, VerificationResult, VerificationTarget } from './cloud-account-verifier';

/** The `pulumi` engine's verifier: each provider's real check. */
export class CloudVerifier implements CloudAccountVerifier {
  constructor(
    private readonly aws: AwsStsVerifier,
    private readonly azure: AzureArmVerifier,
  ) {}

  verify(target: VerificationTarget, signal: AbortSignal): Promise<VerificationResult> {
    switch (target.provider) {
      case 'AWS':
        return this.aws.verify(target, signal);
      case 'AZURE':
        return this.azure.verify(target, signal);
    }
  }
}

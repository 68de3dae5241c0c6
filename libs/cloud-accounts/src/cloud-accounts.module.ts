import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { APP_CONFIG, type AppConfig } from '@streamplane/config';
import { awsStsOptionsOf } from './aws/aws-role-assumer';
import { CloudAccountsService } from './cloud-accounts.service';
import { CredentialCipher } from './crypto/credential-cipher';
import { AwsStsVerifier } from './verification/aws-sts-verifier';
import { AzureArmVerifier } from './verification/azure-arm-verifier';
import { CLOUD_ACCOUNT_VERIFIER, type CloudAccountVerifier } from './verification/cloud-account-verifier';
import { CloudVerifier } from './verification/cloud-verifier';
import { LocalCloudAccountVerifier } from './verification/local-verifier';

/** The verifier of the configured cloud engine: the real clouds under `pulumi`, a shape check under `local`. */
export function verifierFor(config: AppConfig): CloudAccountVerifier {
  const { cloud } = config;
  switch (cloud.engine) {
    case 'local':
      return new LocalCloudAccountVerifier();
    case 'pulumi':
      return new CloudVerifier(
        new AwsStsVerifier({
          ...awsStsOptionsOf(config),
          streamplaneAccountId: cloud.aws.streamplaneAccountId,
        }),
        new AzureArmVerifier(cloud.azure),
      );
  }
}

/** The cipher of cloud credentials under the configured keyring. */
export const credentialCipherProvider = {
  provide: CredentialCipher,
  useFactory: (config: AppConfig) => new CredentialCipher(config.cloud.credentialsKeyring),
  inject: [APP_CONFIG],
};

@Module({
  imports: [AuditModule],
  providers: [
    CloudAccountsService,
    credentialCipherProvider,
    { provide: CLOUD_ACCOUNT_VERIFIER, useFactory: verifierFor, inject: [APP_CONFIG] },
  ],
  exports: [CloudAccountsService, CredentialCipher],
})
export class CloudAccountsModule {}

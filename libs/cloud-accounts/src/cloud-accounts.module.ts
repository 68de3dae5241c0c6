import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { APP_CONFIG, type AppConfig } from '@streamplane/config';
import { SecretsModule } from '@streamplane/secrets';
import { awsStsOptionsOf } from './aws/aws-role-assumer';
import { CloudAccountsService } from './cloud-accounts.service';
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

@Module({
  imports: [AuditModule, SecretsModule],
  providers: [
    CloudAccountsService,
    { provide: CLOUD_ACCOUNT_VERIFIER, useFactory: verifierFor, inject: [APP_CONFIG] },
  ],
  exports: [CloudAccountsService, SecretsModule],
})
export class CloudAccountsModule {}

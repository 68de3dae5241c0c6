import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { APP_CONFIG, type AppConfig } from '@streamplane/config';
import { SecretsModule } from '@streamplane/secrets';
import { AwsRoleAssumer, awsStsOptionsOf } from '../aws/aws-role-assumer';
import { RunCredentialsService } from './run-credentials.service';

/** Cloud credentials for provisioning runs (the provisioner). Needs ConfigModule and DbModule (global). */
@Module({
  imports: [AuditModule, SecretsModule],
  providers: [
    RunCredentialsService,
    {
      provide: AwsRoleAssumer,
      useFactory: (config: AppConfig) => new AwsRoleAssumer(awsStsOptionsOf(config)),
      inject: [APP_CONFIG],
    },
  ],
  exports: [RunCredentialsService],
})
export class RunCredentialsModule {}

import { Module, type DynamicModule } from '@nestjs/common';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { DbModule } from '@streamplane/db';
import { ProvisioningModule } from '@streamplane/deployments';
import type { StackEngine } from '@streamplane/provisioning';
import { PROVISIONING_JOB_HANDLERS } from './jobs/job-handlers';
import { OperationRunJob } from './jobs/operation-run.job';
import { ProvisioningWorker } from './provisioning.worker';

@Module({})
export class ProvisionerModule {
  static forRoot(config: AppConfig, engine?: StackEngine): DynamicModule {
    return {
      module: ProvisionerModule,
      imports: [ConfigModule.forRoot(config), DbModule, ProvisioningModule.forRoot(config, engine)],
      providers: [
        OperationRunJob,
        // Every job handler of the queue; ProvisioningWorker refuses to start unless each job name has one.
        {
          provide: PROVISIONING_JOB_HANDLERS,
          useFactory: (run: OperationRunJob) => [run],
          inject: [OperationRunJob],
        },
        ProvisioningWorker,
      ],
    };
  }
}

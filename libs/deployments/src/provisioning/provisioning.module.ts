import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '@streamplane/config';
import type { StackEngine } from '@streamplane/provisioning';
import { DeploymentEventPublisher } from './deployment-event-publisher';
import { DeploymentLocks } from './deployment-lock';
import { OperationRunner } from './operation-runner';
import { OperationStore } from './operation-store';
import { STACK_ENGINE, stackEngineFor } from './stack-engine.provider';

/** Running operations (the provisioner). Needs ConfigModule and DbModule (global) in the application. */
@Module({})
export class ProvisioningModule {
  /** `engine` replaces the configured one (tests run a local engine with injected failures). */
  static forRoot(config: AppConfig, engine?: StackEngine): DynamicModule {
    return {
      module: ProvisioningModule,
      providers: [
        OperationRunner,
        OperationStore,
        DeploymentEventPublisher,
        { provide: DeploymentLocks, useValue: new DeploymentLocks(config.database.url) },
        { provide: STACK_ENGINE, useFactory: () => engine ?? stackEngineFor(config) },
      ],
      exports: [OperationRunner],
    };
  }
}

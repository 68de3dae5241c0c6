import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { AgentTokensModule } from '@streamplane/metering';
import { createStackEngine } from '@streamplane/provisioning';
import { DeploymentPreviewService, PREVIEW_ENGINE } from './deployment-preview.service';
import { DeploymentsService } from './deployments.service';
import { OperationDispatcher } from './operations/operation-dispatcher';
import { DeploymentEventPublisher } from './provisioning/deployment-event-publisher';
import { ProvisioningProducer } from './provisioning/provisioning-producer';
import { UpgradesService } from './upgrades.service';
import { StackWorkloadsModule } from './provisioning/stack-workloads';

/**
 * Deployments for the api: reads, previews and the mutations that queue operations. The worker side
 * (apps/provisioner) runs them. Previews run on the local engine whatever the configured engine: it builds
 * the same program's exact resource graph without credentials or a cloud.
 */
@Module({
  imports: [AuditModule, AgentTokensModule, StackWorkloadsModule],
  providers: [
    DeploymentsService,
    DeploymentPreviewService,
    UpgradesService,
    OperationDispatcher,
    ProvisioningProducer,
    DeploymentEventPublisher,
    { provide: PREVIEW_ENGINE, useFactory: () => createStackEngine({ engine: 'local', latencyScale: 0 }) },
  ],
  exports: [
    DeploymentsService,
    DeploymentPreviewService,
    UpgradesService,
    OperationDispatcher,
    ProvisioningProducer,
  ],
})
export class DeploymentsModule {}

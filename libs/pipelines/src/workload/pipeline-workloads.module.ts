import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { DeploymentsModule, StackWorkloadsModule } from '@streamplane/deployments';
import { SecretsModule } from '@streamplane/secrets';
import { PipelineCheckpointsModule } from '../checkpoints/pipeline-checkpoints.module';
import { PipelineSettlement } from '../lifecycle/pipeline-settlement';
import { PipelineWorkloadsContributor } from './pipeline-workloads.contributor';

/**
 * Pipelines on the deployments' stacks: registers the contributor every run and preview merges, and
 * settles pipelines after their operations (queuing the second run of a delete with topics, hence the
 * deployments' OperationDispatcher and the audit log). The provisioner imports it; so does PipelinesModule
 * (the api's previews). Needs ConfigModule and DbModule (global).
 */
@Module({
  imports: [StackWorkloadsModule, SecretsModule, PipelineCheckpointsModule, AuditModule, DeploymentsModule],
  providers: [PipelineWorkloadsContributor, PipelineSettlement],
  exports: [PipelineSettlement],
})
export class PipelineWorkloadsModule {}

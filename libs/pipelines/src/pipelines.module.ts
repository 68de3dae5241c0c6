import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { DeploymentsModule } from '@streamplane/deployments';
import { SecretsModule } from '@streamplane/secrets';
import { PipelineCheckpointsModule } from './checkpoints/pipeline-checkpoints.module';
import { AgentPipelinesService } from './agent-pipelines.service';
import { ConnectedAssetsService } from './connected-assets.service';
import { PipelinesService } from './pipelines.service';
import { PipelineWorkloadsModule } from './workload/pipeline-workloads.module';

/** Pipelines for the api: reads and the mutations that queue PIPELINE operations. */
@Module({
  imports: [
    AuditModule,
    DeploymentsModule,
    SecretsModule,
    PipelineCheckpointsModule,
    PipelineWorkloadsModule,
  ],
  providers: [PipelinesService, AgentPipelinesService, ConnectedAssetsService],
  exports: [PipelinesService, AgentPipelinesService, ConnectedAssetsService, PipelineCheckpointsModule],
})
export class PipelinesModule {}

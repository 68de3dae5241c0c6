import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { DbModule } from '@streamplane/db';
import { ProvisioningModule, UpgradeProposer, type ClusterHealthProbe } from '@streamplane/deployments';
import { PipelineWorkloadsModule } from '@streamplane/pipelines';
import { ReplicationWorkloadsModule } from '@streamplane/replication';
import type { StackEngine } from '@streamplane/provisioning';
import { PROVISIONING_JOB_HANDLERS } from './jobs/job-handlers';
import { OperationRunJob } from './jobs/operation-run.job';
import { ProposeUpgradesJob } from './jobs/propose-upgrades.job';
import { ProvisioningWorker } from './provisioning.worker';
import { UpgradeCheckSchedule } from './upgrade-check.schedule';

/** What tests replace: the StackEngine and the cluster health probe that goes with it. */
export interface ProvisionerOverrides {
  engine?: StackEngine;
  healthProbe?: ClusterHealthProbe;
}

@Module({})
export class ProvisionerModule {
  static forRoot(config: AppConfig, overrides: ProvisionerOverrides = {}): DynamicModule {
    return {
      module: ProvisionerModule,
      imports: [
        ConfigModule.forRoot(config),
        DbModule,
        AuditModule,
        ProvisioningModule.forRoot(config, overrides.engine, overrides.healthProbe),
        // Every run carries the deployment's pipelines, and their operations settle them.
        PipelineWorkloadsModule,
        // Likewise its replication links (mirroring users, MirrorMaker 2).
        ReplicationWorkloadsModule,
      ],
      providers: [
        OperationRunJob,
        UpgradeProposer,
        ProposeUpgradesJob,
        // Every job handler of the queue; ProvisioningWorker refuses to start unless each job name has one.
        {
          provide: PROVISIONING_JOB_HANDLERS,
          useFactory: (run: OperationRunJob, propose: ProposeUpgradesJob) => [run, propose],
          inject: [OperationRunJob, ProposeUpgradesJob],
        },
        ProvisioningWorker,
        UpgradeCheckSchedule,
      ],
    };
  }
}

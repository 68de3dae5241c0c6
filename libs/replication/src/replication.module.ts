import { Module } from '@nestjs/common';
import { AuditModule } from '@streamplane/audit';
import { DeploymentsModule, StackWorkloadsModule } from '@streamplane/deployments';
import { SecretsModule } from '@streamplane/secrets';
import { ReplicationHealthStore } from './health/replication-health-store';
import { ReplicationLinkChanges } from './lifecycle/replication-link-changes';
import { ReplicationFailoverService } from './replication-failover.service';
import { ReplicationLinksService } from './replication-links.service';
import { replicationThresholdsProvider } from './replication-thresholds';
import { ReplicationStackContributor } from './workload/replication-stack-contributor';

/**
 * Replication links on the deployments' stacks: registers the contributor every run and preview merges, and
 * settles links after their operations. The provisioner imports it; so does ReplicationModule (the api's
 * previews). Needs ConfigModule and DbModule (global).
 */
@Module({
  imports: [StackWorkloadsModule, SecretsModule, AuditModule],
  providers: [ReplicationStackContributor, replicationThresholdsProvider],
  exports: [ReplicationStackContributor],
})
export class ReplicationWorkloadsModule {}

/** The replication health reports (Redis); libs/telemetry routes the agents' reports here. */
@Module({ providers: [ReplicationHealthStore], exports: [ReplicationHealthStore] })
export class ReplicationHealthModule {}

/** Replication links for the api: reads, changes, failover and failback. */
@Module({
  imports: [
    DeploymentsModule,
    AuditModule,
    SecretsModule,
    ReplicationHealthModule,
    ReplicationWorkloadsModule,
  ],
  providers: [
    ReplicationLinksService,
    ReplicationFailoverService,
    ReplicationLinkChanges,
    replicationThresholdsProvider,
  ],
  exports: [ReplicationLinksService, ReplicationFailoverService, ReplicationHealthModule],
})
export class ReplicationModule {}

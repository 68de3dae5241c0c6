import { Module } from '@nestjs/common';
import { RedisService } from '@streamplane/db';
import { AgentHealthStore } from '@streamplane/deployments';
import { PipelineCheckpointsModule } from '@streamplane/pipelines';
import { ReplicationHealthModule } from '@streamplane/replication';
import { TelemetryIngestService } from './telemetry-ingest.service';

/** Telemetry ingest (agents' heartbeats, pipeline checkpoints, replication health). Needs ConfigModule and DbModule (global). */
@Module({
  imports: [PipelineCheckpointsModule, ReplicationHealthModule],
  providers: [
    TelemetryIngestService,
    // AgentHealthStore is a plain class (the provisioner builds it for its health probe): same Redis here.
    {
      provide: AgentHealthStore,
      useFactory: (redis: RedisService) => new AgentHealthStore(redis),
      inject: [RedisService],
    },
  ],
  exports: [TelemetryIngestService],
})
export class TelemetryModule {}

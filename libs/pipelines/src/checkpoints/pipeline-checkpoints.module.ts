import { Module } from '@nestjs/common';
import { PipelineLivePublisher } from '../live/pipeline-live-publisher';
import { PipelineCheckpointStore } from './pipeline-checkpoint-store';

/**
 * The pipeline checkpoint store, for whoever feeds it (the api's telemetry ingest) or reads it. Needs
 * ConfigModule and DbModule (global in every application).
 */
@Module({
  providers: [PipelineCheckpointStore, PipelineLivePublisher],
  exports: [PipelineCheckpointStore, PipelineLivePublisher],
})
export class PipelineCheckpointsModule {}

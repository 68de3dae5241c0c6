import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { RedisService, type Pipeline } from '@streamplane/db';
import { pipelineChannelFor, type PipelineLiveEvent } from './pipeline-live-events';

/**
 * Publishes pipeline events after the fact is committed (or stored, for checkpoints). A lost message is
 * harmless: subscribers re-read the pipeline; so a failure is logged, never thrown.
 */
@Injectable()
export class PipelineLivePublisher {
  private readonly logger = new Logger(PipelineLivePublisher.name);

  constructor(
    private readonly redis: RedisService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async publish(event: PipelineLiveEvent): Promise<void> {
    try {
      await this.redis.publish(pipelineChannelFor(this.config, event.orgId), JSON.stringify(event));
    } catch (error) {
      this.logger.warn({ err: error, pipelineId: event.pipelineId }, 'Could not publish a pipeline event');
    }
  }

  statusChanged(pipeline: Pipeline): Promise<void> {
    return this.publish({
      kind: 'PIPELINE_STATUS',
      orgId: pipeline.orgId,
      deploymentId: pipeline.deploymentId,
      pipelineId: pipeline.id,
      at: pipeline.updatedAt.toISOString(),
      status: pipeline.status,
      generation: pipeline.generation,
      appliedGeneration: pipeline.appliedGeneration,
      message: pipeline.statusMessage,
    });
  }
}

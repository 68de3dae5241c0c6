import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { RedisService } from '@streamplane/db';
import { channelFor } from '../events/deployment-event-channel';
import type { DeploymentEvent } from '../events/deployment-events';

/**
 * Publishes live-status events on the organization's Redis channel. Called only after the fact is
 * committed in PostgreSQL; a lost message is harmless (subscribers re-read on reconnect), so a publish
 * failure is logged and never fails the operation.
 */
@Injectable()
export class DeploymentEventPublisher {
  private readonly logger = new Logger(DeploymentEventPublisher.name);

  constructor(
    private readonly redis: RedisService,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  async publish(events: readonly DeploymentEvent[]): Promise<void> {
    if (events.length === 0) return;
    try {
      // One round trip for a batch; channelFor() adds the key prefix, which ioredis applies to keys only.
      const pipeline = this.redis.pipeline();
      for (const event of events)
        pipeline.publish(channelFor(this.config, event.orgId), JSON.stringify(event));
      await pipeline.exec();
    } catch (error) {
      this.logger.warn({ err: error, count: events.length }, 'Could not publish deployment events');
    }
  }
}

import type { AppConfig } from '@streamplane/config';
import type { ConnectionOptions } from 'bullmq';

/**
 * Where the provisioning queue lives, for the producer (api) and the worker alike: the same Redis, and the
 * configured key prefix in front of BullMQ's (BullMQ refuses ioredis' own `keyPrefix`), so tests and
 * environments sharing a Redis never see each other's jobs.
 */
export function provisioningQueueOptions(config: AppConfig): {
  connection: ConnectionOptions;
  prefix: string;
} {
  return {
    // BullMQ's workers block on their connection: no per-request retry limit (BullMQ requires null).
    connection: { url: config.redis.url, maxRetriesPerRequest: null },
    prefix: `${config.redis.keyPrefix}bull`,
  };
}

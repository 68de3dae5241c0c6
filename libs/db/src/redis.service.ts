import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import Redis from 'ioredis';

/** Shared Redis connection for counters, rate limits and caches (never for committed facts). */
@Injectable()
export class RedisService extends Redis implements OnModuleDestroy {
  constructor(@InjectConfig() config: AppConfig) {
    super(config.redis.url, {
      keyPrefix: config.redis.keyPrefix,
      maxRetriesPerRequest: 3,
      lazyConnect: false,
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.quit().catch(() => this.disconnect());
  }
}

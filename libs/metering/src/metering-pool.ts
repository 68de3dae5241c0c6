import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { Pool } from 'pg';

/**
 * A node-postgres pool of the ingest path's own, on the same DATABASE_URL as Prisma: one multi-row
 * statement per batch with array parameters (and a prepared plan per connection) is what keeps ingest
 * fast, and Prisma's raw queries would add a conversion layer on every row. Its size is
 * `ingest.dbPoolSize`, beside Prisma's pool.
 */
@Injectable()
export class MeteringPool extends Pool implements OnModuleDestroy {
  constructor(@InjectConfig() config: AppConfig) {
    super({
      connectionString: config.database.url,
      max: config.ingest.dbPoolSize,
      application_name: 'streamplane-ingest',
      idleTimeoutMillis: 30_000,
      // Like Prisma's sessions (libs/db): UTC, and a bounded wait for a free connection — past it the api
      // answers 503 STORE_BUSY (nothing was written; the agent sends the batch again).
      options: '-c TimeZone=UTC',
      connectionTimeoutMillis: 10_000,
    });
    // An idle client that loses its connection emits here; without a listener the process would crash.
    this.on('error', () => undefined);
  }

  async onModuleDestroy(): Promise<void> {
    await this.end();
  }
}

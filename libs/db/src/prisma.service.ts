import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { PrismaClient } from './generated/prisma/client';

/**
 * The Prisma client over node-postgres (Prisma 7 runs queries without a native engine this way).
 *
 * Every session runs in UTC: @prisma/adapter-pg reads a timestamptz by replacing its offset with +00:00,
 * so under a server whose default time zone is not UTC (a laptop's PostgreSQL often is) every timestamp
 * read would be off by that offset; and `date_trunc` on a timestamptz cuts hours and days in the session's zone.
 */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@InjectConfig() config: AppConfig) {
    super({
      adapter: new PrismaPg({ connectionString: config.database.url, options: '-c TimeZone=UTC' }),
      // Prisma waits 2 s for a free connection before giving up on a transaction (P2028); a burst of
      // orders on a small pool waits longer than that without anything being wrong. Past this, the api
      // answers 503 STORE_BUSY (see @streamplane/errors isTransientStoreError).
      transactionOptions: { maxWait: 10_000 },
    });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

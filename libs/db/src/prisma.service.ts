import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { PrismaPg } from '@prisma/adapter-pg';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { PrismaClient } from './generated/prisma/client';

/** The Prisma client over node-postgres (Prisma 7 runs queries without a native engine this way). */
@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  constructor(@InjectConfig() config: AppConfig) {
    super({ adapter: new PrismaPg({ connectionString: config.database.url }) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.$disconnect();
  }
}

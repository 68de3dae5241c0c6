import { Module } from '@nestjs/common';
import { UsageQueriesModule } from '@streamplane/metering';
import { UsageExportController } from './usage-export.controller';

/** The CSV export of usage (REST, beside GraphQL's `usage`). */
@Module({ imports: [UsageQueriesModule], controllers: [UsageExportController] })
export class UsageExportModule {}

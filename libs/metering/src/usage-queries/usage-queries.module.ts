import { Module } from '@nestjs/common';
import { MeteringModule } from '../metering.module';
import { UsageQueriesService } from './usage-queries.service';

/** The api's reads of usage (needs DbModule and ConfigModule, both global). */
@Module({ imports: [MeteringModule], providers: [UsageQueriesService], exports: [UsageQueriesService] })
export class UsageQueriesModule {}

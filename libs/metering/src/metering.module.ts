import { Module } from '@nestjs/common';
import { AgentTokensModule } from './agent-tokens/agent-tokens.module';
import { UsageCounters } from './counters/usage-counters';
import { IngestRateLimiter } from './ingest/ingest-rate-limiter';
import { UsageEventStore } from './ingest/usage-event.store';
import { UsageIngestService } from './ingest/usage-ingest.service';
import { MeteringPool } from './metering-pool';
import { MetersService } from './meters/meters.service';

/** Meters, agent tokens, usage ingest and the real-time counters (needs DbModule and ConfigModule, both global). */
@Module({
  imports: [AgentTokensModule],
  providers: [
    IngestRateLimiter,
    MeteringPool,
    MetersService,
    UsageCounters,
    UsageEventStore,
    UsageIngestService,
  ],
  exports: [AgentTokensModule, MetersService, UsageCounters, UsageIngestService],
})
export class MeteringModule {}

import { Module } from '@nestjs/common';
import { AgentTokensService } from './agent-tokens/agent-tokens.service';
import { UsageCounters } from './counters/usage-counters';
import { IngestRateLimiter } from './ingest/ingest-rate-limiter';
import { UsageEventStore } from './ingest/usage-event.store';
import { UsageIngestService } from './ingest/usage-ingest.service';
import { MeteringPool } from './metering-pool';
import { MetersService } from './meters/meters.service';

/** Meters, agent tokens, usage ingest and the real-time counters (needs DbModule and ConfigModule, both global). */
@Module({
  providers: [
    AgentTokensService,
    IngestRateLimiter,
    MeteringPool,
    MetersService,
    UsageCounters,
    UsageEventStore,
    UsageIngestService,
  ],
  exports: [AgentTokensService, MetersService, UsageCounters, UsageIngestService],
})
export class MeteringModule {}

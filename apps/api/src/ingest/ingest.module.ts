import { Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { MeteringModule } from '@streamplane/metering';
import { TelemetryModule } from '@streamplane/telemetry';
import type { FastifyInstance } from 'fastify';
import { IngestController } from './ingest.controller';
import { installIngestHttp } from './ingest-http';

/** POST /v1/ingest/events: usage and telemetry CloudEvents from the deployments' agents. */
@Module({ imports: [MeteringModule, TelemetryModule], controllers: [IngestController] })
export class IngestModule implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @InjectConfig() private readonly config: AppConfig,
  ) {}

  // Runs before the server is ready, when Fastify still takes parsers and hooks (they apply to every route,
  // including those Nest has registered already: Fastify binds hooks to routes when it becomes ready).
  onModuleInit(): void {
    installIngestHttp(this.adapterHost.httpAdapter.getInstance<FastifyInstance>(), this.config);
  }
}

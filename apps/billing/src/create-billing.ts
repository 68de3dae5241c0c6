import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@streamplane/config';
import { PrismaService, RedisService } from '@streamplane/db';
import { createLogger, Metrics, PinoNestLogger } from '@streamplane/observability';
import { storeAndWorkerChecks, type WorkerHealth } from '@streamplane/workers';
import type { DestinationStream } from 'pino';
import { BillingWorker } from './billing.worker';
import { BillingWorkerModule } from './billing-worker.module';
import { rollupLagSeconds } from './metrics/rollup-lag';

export interface BillingOptions {
  /** Where JSON logs go (stdout by default). */
  logDestination?: DestinationStream;
  /** The process' metrics registry (a new one by default). */
  metrics?: Metrics;
}

export interface Billing {
  app: INestApplicationContext;
  /** What /readyz checks (PostgreSQL, Redis, the BullMQ worker) and /metrics exports (libs/workers). */
  health: WorkerHealth;
  /** Stops the running jobs at a safe point, stops the worker, closes PostgreSQL and Redis. */
  close(): Promise<void>;
}

/** Builds and starts the billing worker (main.ts and the integration tests run the same thing). */
export async function startBilling(config: AppConfig, options: BillingOptions = {}): Promise<Billing> {
  const logger = createLogger({ level: config.log.level, name: 'billing' }, options.logDestination);
  const metrics = options.metrics ?? new Metrics({ logger });
  const app = await NestFactory.createApplicationContext(BillingWorkerModule.forRoot(config, metrics), {
    logger: new PinoNestLogger(logger),
  });
  await app.init();
  const worker = app.get(BillingWorker);
  await worker.start();
  const prisma = app.get(PrismaService);
  const redis = app.get(RedisService);
  metrics.observeRollupLag(() => rollupLagSeconds(prisma));
  const health: WorkerHealth = {
    metrics,
    checks: storeAndWorkerChecks({
      postgres: () => prisma.$queryRaw`SELECT 1`,
      redis: () => redis.ping(),
      worker: 'billing',
      isRunning: () => worker.isRunning(),
    }),
  };

  let closing: Promise<void> | undefined;
  return {
    app,
    health,
    close: () =>
      (closing ??= (async () => {
        await worker.stop();
        await app.close();
      })()),
  };
}

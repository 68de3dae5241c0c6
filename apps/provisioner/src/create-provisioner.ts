import 'reflect-metadata';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@streamplane/config';
import { PrismaService, RedisService } from '@streamplane/db';
import { createLogger, Metrics, MetricsModule, PinoNestLogger } from '@streamplane/observability';
import {
  PROVISIONING_QUEUE,
  provisioningQueueOptions,
  type ClusterHealthProbe,
} from '@streamplane/deployments';
import type { StackEngine } from '@streamplane/provisioning';
import { storeAndWorkerChecks, type WorkerHealth } from '@streamplane/workers';
import { Queue } from 'bullmq';
import type { DestinationStream } from 'pino';
import { oldestRunningOperationSeconds } from './oldest-running-operation';
import { ProvisionerModule } from './provisioner.module';
import { ProvisioningWorker } from './provisioning.worker';
import { UpgradeCheckSchedule } from './upgrade-check.schedule';

export interface ProvisionerOptions {
  /** Where JSON logs go (stdout by default). */
  logDestination?: DestinationStream;
  /** Replaces the configured StackEngine (tests: a local engine with injected failures). */
  engine?: StackEngine;
  /** Replaces the engine's cluster health probe, which an upgrade checks before and between its phases. */
  healthProbe?: ClusterHealthProbe;
  /** The process' metrics registry (a new one by default). */
  metrics?: Metrics;
}

export interface Provisioner {
  app: INestApplicationContext;
  /** What /readyz checks (PostgreSQL, Redis, the BullMQ worker) and /metrics exports (libs/workers). */
  health: WorkerHealth;
  /** Hands running operations back, stops the worker, closes PostgreSQL and Redis. */
  close(): Promise<void>;
}

/** The provisioner's module with the process' one Metrics registry injectable everywhere in it. */
@Module({})
class ProvisionerProcessModule {}

/** Builds and starts the provisioner (main.ts and the integration tests run the same thing). */
export async function startProvisioner(
  config: AppConfig,
  options: ProvisionerOptions = {},
): Promise<Provisioner> {
  const logger = createLogger({ level: config.log.level, name: 'provisioner' }, options.logDestination);
  const metrics = options.metrics ?? new Metrics({ logger });
  const app = await NestFactory.createApplicationContext(
    {
      module: ProvisionerProcessModule,
      imports: [
        MetricsModule.forRoot(metrics),
        ProvisionerModule.forRoot(config, { engine: options.engine, healthProbe: options.healthProbe }),
      ],
    },
    { logger: new PinoNestLogger(logger) },
  );
  await app.init();
  const worker = app.get(ProvisioningWorker);
  await worker.start();
  await app.get(UpgradeCheckSchedule).start();
  // Queue depth is read at scrape time through a connection of its own (never the worker's blocking one).
  const queue = new Queue(PROVISIONING_QUEUE, provisioningQueueOptions(config));
  metrics.observeQueue(queue);
  const prisma = app.get(PrismaService);
  const redis = app.get(RedisService);
  metrics.observeOldestRunningOperation(() => oldestRunningOperationSeconds(prisma));
  const health: WorkerHealth = {
    metrics,
    checks: storeAndWorkerChecks({
      postgres: () => prisma.$queryRaw`SELECT 1`,
      redis: () => redis.ping(),
      worker: 'provisioning',
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
        await queue.close();
        await app.close();
      })()),
  };
}

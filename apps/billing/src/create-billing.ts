import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@streamplane/config';
import { createLogger, PinoNestLogger } from '@streamplane/observability';
import type { DestinationStream } from 'pino';
import { BillingWorker } from './billing.worker';
import { BillingWorkerModule } from './billing-worker.module';

export interface BillingOptions {
  /** Where JSON logs go (stdout by default). */
  logDestination?: DestinationStream;
}

export interface Billing {
  app: INestApplicationContext;
  /** Stops the running jobs at a safe point, stops the worker, closes PostgreSQL and Redis. */
  close(): Promise<void>;
}

/** Builds and starts the billing worker (main.ts and the integration tests run the same thing). */
export async function startBilling(config: AppConfig, options: BillingOptions = {}): Promise<Billing> {
  const logger = createLogger({ level: config.log.level, name: 'billing' }, options.logDestination);
  const app = await NestFactory.createApplicationContext(BillingWorkerModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
  });
  await app.init();
  const worker = app.get(BillingWorker);
  await worker.start();
  let closing: Promise<void> | undefined;
  return {
    app,
    close: () =>
      (closing ??= (async () => {
        await worker.stop();
        await app.close();
      })()),
  };
}

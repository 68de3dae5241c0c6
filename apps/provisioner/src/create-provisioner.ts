import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AppConfig } from '@streamplane/config';
import { createLogger, PinoNestLogger } from '@streamplane/observability';
import type { ClusterHealthProbe } from '@streamplane/deployments';
import type { StackEngine } from '@streamplane/provisioning';
import type { DestinationStream } from 'pino';
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
}

export interface Provisioner {
  app: INestApplicationContext;
  /** Hands running operations back, stops the worker, closes PostgreSQL and Redis. */
  close(): Promise<void>;
}

/** Builds and starts the provisioner (main.ts and the integration tests run the same thing). */
export async function startProvisioner(
  config: AppConfig,
  options: ProvisionerOptions = {},
): Promise<Provisioner> {
  const logger = createLogger({ level: config.log.level, name: 'provisioner' }, options.logDestination);
  const app = await NestFactory.createApplicationContext(
    ProvisionerModule.forRoot(config, { engine: options.engine, healthProbe: options.healthProbe }),
    { logger: new PinoNestLogger(logger) },
  );
  await app.init();
  const worker = app.get(ProvisioningWorker);
  await worker.start();
  await app.get(UpgradeCheckSchedule).start();
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

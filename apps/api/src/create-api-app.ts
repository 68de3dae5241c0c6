import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@streamplane/config';
import { createLogger, Metrics, PinoNestLogger } from '@streamplane/observability';
import type { DestinationStream } from 'pino';
import { ApiModule } from './api.module';
import { sendError } from './http/rest-exception.filter';
import { installRequestHooks, requestIdOf } from './http/request-hooks';

export interface ApiAppOptions {
  /** Where JSON logs go (stdout by default); tests capture them here. */
  logDestination?: DestinationStream;
}

/** Builds the api (used by main.ts and by the integration tests, so both run the same app). */
export async function createApiApp(config: AppConfig, options: ApiAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = createLogger({ level: config.log.level, name: 'api' }, options.logDestination);
  const metrics = new Metrics();
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    genReqId: requestIdOf,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, metrics), adapter, {
    logger: new PinoNestLogger(logger),
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Only JSON bodies: a cross-site HTML form (text/plain, form-encoded) cannot reach a handler.
  fastify.removeContentTypeParser('text/plain');
  fastify.setErrorHandler((error, request, reply) => sendError(reply, error, request.id));
  installRequestHooks(fastify, metrics);
  await app.register(fastifyCookie);
  app.enableShutdownHooks();
  await app.init();
  return app;
}

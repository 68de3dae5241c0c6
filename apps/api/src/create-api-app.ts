import 'reflect-metadata';
import fastifyCookie from '@fastify/cookie';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { AppConfig } from '@streamplane/config';
import { createLogger, Metrics, PinoNestLogger } from '@streamplane/observability';
import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream } from 'pino';
import { ApiModule } from './api.module';
import { installGraphqlTracing } from './graphql/graphql-tracing';
import { sendError } from './http/rest-exception.filter';
import { installRequestHooks, requestIdOf } from './http/request-hooks';
import { SubscriberSessions, type Socket } from './subscriptions/subscriber-sessions';
import { serveDashboard } from './web/serve-dashboard';

/** @fastify/websocket's per-route handler (Mercurius' subscription connections). */
type WsHandler = (this: unknown, socket: Socket, request: unknown) => unknown;

export interface ApiAppOptions {
  /** Where JSON logs go (stdout by default); tests capture them here. */
  logDestination?: DestinationStream;
  /** The built dashboard to serve (apps/web/dist by default); false serves none. */
  dashboardDir?: string | false;
}

/**
 * Errors Fastify raises before any handler runs (malformed JSON, body too large, wrong media type) go to
 * the server's error handler, which Fastify binds to each route when the route is added. Nest installs
 * its own only after adding its routes, and it would turn them into bare HttpExceptions that drop the
 * codes telling them apart; so ours is installed first and Nest's request to replace it is declined.
 * Errors thrown inside handlers still go through Nest's exception filters.
 */
class ApiFastifyAdapter extends FastifyAdapter {
  constructor(options: FastifyServerOptions) {
    super(options);
    this.getInstance().setErrorHandler((error, request, reply) => sendError(reply, error, request.id));
  }

  override setErrorHandler(): never {
    return this.getInstance<never>();
  }
}

/** Builds the api (used by main.ts and by the integration tests, so both run the same app). */
export async function createApiApp(
  config: AppConfig,
  options: ApiAppOptions = {},
): Promise<NestFastifyApplication> {
  const logger = createLogger({ level: config.log.level, name: 'api' }, options.logDestination);
  const metrics = new Metrics();
  const adapter = new ApiFastifyAdapter({
    loggerInstance: logger,
    genReqId: requestIdOf,
    bodyLimit: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config, metrics), adapter, {
    logger: new PinoNestLogger(logger),
    // Nest would add a form-urlencoded parser; the api takes JSON only.
    bodyParser: false,
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Only JSON bodies: a cross-site HTML form (text/plain, form-encoded) cannot reach a handler.
  fastify.removeContentTypeParser('text/plain');
  installRequestHooks(fastify, metrics);
  await app.register(fastifyCookie);
  // Sockets that never send connection_init are closed (they would otherwise hold a connection for free).
  // Mercurius registers its websocket route during init, inside its own plugin: wrap its handler there.
  const sessions = app.get(SubscriberSessions);
  fastify.addHook('onRoute', (route) => {
    const wsHandler = (route as { wsHandler?: WsHandler }).wsHandler;
    if (!wsHandler) return;
    (route as { wsHandler?: WsHandler }).wsHandler = function (this: unknown, socket, request) {
      sessions.watch(socket);
      return wsHandler.call(this, socket, request);
    };
  });
  // The built dashboard (apps/web/dist), when there is one: same origin as the api, no api path shadowed.
  if (options.dashboardDir !== false) await serveDashboard(app, options.dashboardDir);
  await app.init();
  // After init (Mercurius is registered then), before listen (Fastify binds hooks to routes when ready).
  installGraphqlTracing(fastify);
  return app;
}

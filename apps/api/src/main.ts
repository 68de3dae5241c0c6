import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig } from '@streamplane/config';
import { startTracing } from '@streamplane/observability';
import { createApiApp } from './create-api-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[streamplane api] ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  // Before the app is built: a GraphQL operation's span goes to this provider, and its trace context into
  // the jobs it enqueues.
  const tracing = startTracing({ serviceName: 'streamplane-api', config });
  const app = await createApiApp(config);
  await app.listen({ host: config.http.host, port: config.http.port });
  stopOnSignal(async (signal) => {
    new Logger('Shutdown').log(
      `${signal} received: closing the server, then PostgreSQL and Redis connections`,
    );
    try {
      await app.close();
    } finally {
      // Last: the spans of the requests that finished while closing are flushed too.
      await tracing.shutdown();
    }
  });
}

/**
 * Graceful shutdown: stop accepting, let requests in flight finish, close the pools, exit 0. A second
 * signal, or a shutdown that takes longer than the orchestrator's grace period, exits at once.
 */
function stopOnSignal(close: (signal: NodeJS.Signals) => Promise<void>): void {
  const SHUTDOWN_TIMEOUT_MS = 20_000;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => {
      console.error(`[streamplane api] shutdown took longer than ${SHUTDOWN_TIMEOUT_MS} ms; exiting`);
      process.exit(1);
    }, SHUTDOWN_TIMEOUT_MS).unref();
    close(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[streamplane api] error during shutdown:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  console.error('[streamplane api] failed to start:', error);
  process.exit(1);
});

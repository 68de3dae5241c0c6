import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, type AppConfig, type WorkerName } from '@streamplane/config';
import { startTracing } from '@streamplane/observability';
import { startWorkerEndpoints, type WorkerHealth } from './worker-endpoints';

export interface WorkerProcessOptions {
  /** For messages on stderr, and which of config.workerHttp's ports it serves on. */
  name: WorkerName;
  /**
   * Builds and starts the worker; `close()` stops taking jobs, stops running ones at a safe point, closes
   * connections; `health` is what its /readyz checks and its /metrics exports.
   */
  start(config: AppConfig): Promise<{ close(): Promise<void>; health: WorkerHealth }>;
  /** How long a graceful shutdown may take before the process exits 1. */
  shutdownTimeoutSeconds(config: AppConfig): number;
  /** Logged when the first signal arrives: what the worker does with its running jobs. */
  onSignal: string;
}

/**
 * Tracing starts before the worker is built (its job spans, and the StackEngine's, go to this provider) and
 * shuts down after it closed (the spans of the jobs handed back on the way out are flushed too).
 */
async function startTraced(options: WorkerProcessOptions, config: AppConfig) {
  const tracing = startTracing({ serviceName: `streamplane-${options.name}`, config });
  const worker = await options.start(config);
  return {
    health: worker.health,
    close: async () => {
      try {
        await worker.close();
      } finally {
        await tracing.shutdown();
      }
    },
  };
}

/**
 * The life of a worker process (provisioner, billing): a bad configuration exits 78 (EX_CONFIG) naming each
 * variable; traces go out over OTLP when configured (service `streamplane-<name>`); /healthz, /readyz and /metrics are served on HOST and the worker's port (config.workerHttp) from
 * before the worker connects until it exits (a port in use exits 1 before any job is taken); SIGTERM/SIGINT
 * turn /readyz to 503, close the worker and exit 0; a second signal, or a shutdown longer than the
 * timeout, exits 1 at once — whatever was running is recovered by the queue and by PostgreSQL (rolled-back
 * transactions, released advisory locks) when the connections die.
 */
export function runWorkerProcess(options: WorkerProcessOptions): void {
  const tag = `[streamplane ${options.name}]`;
  const main = async () => {
    let config: AppConfig;
    try {
      config = loadConfig();
    } catch (error) {
      if (error instanceof ConfigError) {
        console.error(`${tag} ${error.message}`);
        process.exit(78);
      }
      throw error;
    }
    const endpoints = await startWorkerEndpoints({
      host: config.workerHttp.host,
      port: config.workerHttp.port[options.name],
    });
    const worker = await startTraced(options, config);
    endpoints.serve(worker.health);
    new Logger('WorkerEndpoints').log(
      { url: endpoints.url, port: endpoints.port },
      'Serving /healthz, /readyz and /metrics',
    );
    const timeoutMs = options.shutdownTimeoutSeconds(config) * 1000;
    let stopping = false;
    const onSignal = (signal: NodeJS.Signals) => {
      if (stopping) process.exit(1);
      stopping = true;
      new Logger('Shutdown').log(`${signal} received: ${options.onSignal}`);
      setTimeout(() => {
        console.error(`${tag} shutdown took longer than ${timeoutMs} ms; exiting`);
        process.exit(1);
      }, timeoutMs).unref();
      endpoints.stopping();
      worker.close().then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(`${tag} error during shutdown:`, error);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  };
  main().catch((error: unknown) => {
    console.error(`${tag} failed to start:`, error);
    process.exit(1);
  });
}

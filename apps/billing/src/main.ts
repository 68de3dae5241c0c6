import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, type AppConfig } from '@streamplane/config';
import { startBilling } from './create-billing';

/**
 * The billing worker: its own process (never inside the api), running the billing queue's scheduled jobs —
 * hourly roll-ups, draft invoices, finalization. SIGTERM/SIGINT: stop taking jobs, let the running ones stop
 * at a safe point (a roll-up between two batches), close connections, exit 0. A second signal, or a shutdown
 * longer than BILLING_SHUTDOWN_TIMEOUT_SECONDS, exits 1 at once: an open roll-up transaction is rolled back
 * by PostgreSQL with its connection, and its hours stay pending for the next run.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[streamplane billing] ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const billing = await startBilling(config);
  const timeoutMs = config.billing.shutdownTimeoutSeconds * 1000;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    new Logger('Shutdown').log(`${signal} received: stopping the running jobs, then closing connections`);
    setTimeout(() => {
      console.error(`[streamplane billing] shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    billing.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[streamplane billing] error during shutdown:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  console.error('[streamplane billing] failed to start:', error);
  process.exit(1);
});

import { runWorkerProcess } from '@streamplane/workers';
import { startBilling } from './create-billing';

/**
 * The billing worker: its own process (never inside the api), running the billing queue's scheduled jobs —
 * hourly roll-ups, draft invoices, finalization. SIGTERM/SIGINT: stop taking jobs, let the running ones stop
 * at a safe point (a roll-up between two batches), close connections, exit 0. A second signal, or a shutdown
 * longer than BILLING_SHUTDOWN_TIMEOUT_SECONDS, exits 1 at once: an open roll-up transaction is rolled back
 * by PostgreSQL with its connection, and its hours stay pending for the next run.
 */
runWorkerProcess({
  name: 'billing',
  start: (config) => startBilling(config),
  shutdownTimeoutSeconds: (config) => config.billing.shutdownTimeoutSeconds,
  onSignal: 'stopping the running jobs, then closing connections',
});

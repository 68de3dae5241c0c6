import { startTracing } from '@streamplane/observability';
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
  start: async (config) => {
    // Before the worker is built, so that whatever it traces goes to this provider.
    const tracing = startTracing({ serviceName: 'streamplane-billing', config });
    const worker = await startBilling(config);
    return {
      ...worker,
      // Tracing last, so the spans of the jobs stopped on the way out are flushed too.
      close: async () => {
        try {
          await worker.close();
        } finally {
          await tracing.shutdown();
        }
      },
    };
  },
  shutdownTimeoutSeconds: (config) => config.billing.shutdownTimeoutSeconds,
  onSignal: 'stopping the running jobs, then closing connections',
});

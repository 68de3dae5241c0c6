import { startTracing } from '@streamplane/observability';
import { runWorkerProcess } from '@streamplane/workers';
import { startProvisioner } from './create-provisioner';

/**
 * The provisioner: its own process (never inside the api), taking operations from the BullMQ queue.
 * SIGTERM/SIGINT: stop taking jobs, stop the running operations at a safe point and hand their jobs back,
 * close connections, exit 0. A second signal, or a shutdown longer than PROVISIONER_SHUTDOWN_TIMEOUT_SECONDS,
 * exits 1 at once: the deployment locks die with the connections and the jobs are recovered as stalled.
 */
runWorkerProcess({
  name: 'provisioner',
  start: async (config) => {
    // Before the worker is built: its job spans (and their StackEngine children) go to this provider.
    const tracing = startTracing({ serviceName: 'streamplane-provisioner', config });
    const worker = await startProvisioner(config);
    return {
      ...worker,
      // Tracing last, so the spans of the jobs handed back on the way out are flushed too.
      close: async () => {
        try {
          await worker.close();
        } finally {
          await tracing.shutdown();
        }
      },
    };
  },
  shutdownTimeoutSeconds: (config) => config.provisioning.shutdownTimeoutSeconds,
  onSignal: 'handing running operations back, then closing connections',
});

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
  start: (config) => startProvisioner(config),
  shutdownTimeoutSeconds: (config) => config.provisioning.shutdownTimeoutSeconds,
  onSignal: 'handing running operations back, then closing connections',
});

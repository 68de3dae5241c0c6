import { Logger } from '@nestjs/common';
import { ConfigError, loadConfig, type AppConfig } from '@streamplane/config';
import { startProvisioner } from './create-provisioner';

/**
 * The provisioner: its own process (never inside the api), taking operations from the BullMQ queue.
 * SIGTERM/SIGINT: stop taking jobs, stop the running operations at a safe point and hand their jobs back,
 * close connections, exit 0. A second signal, or a shutdown longer than PROVISIONER_SHUTDOWN_TIMEOUT_SECONDS,
 * exits 1 at once: the deployment locks die with the connections and the jobs are recovered as stalled.
 */
async function main(): Promise<void> {
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[streamplane provisioner] ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const provisioner = await startProvisioner(config);
  const timeoutMs = config.provisioning.shutdownTimeoutSeconds * 1000;
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    new Logger('Shutdown').log(
      `${signal} received: handing running operations back, then closing connections`,
    );
    setTimeout(() => {
      console.error(`[streamplane provisioner] shutdown took longer than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    provisioner.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[streamplane provisioner] error during shutdown:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  console.error('[streamplane provisioner] failed to start:', error);
  process.exit(1);
});

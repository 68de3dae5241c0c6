import { ConfigError, loadConfig, type AppConfig } from '@streamplane/config';
import { startAgentSimulator } from './simulator/create-simulator';

const USAGE = `Usage: agent --simulate

The data-plane agent. Only its simulation exists so far: with --simulate it sends made-up usage for the
deployments of the local engine to the control plane's ingest endpoint (AGENT_CONTROL_PLANE_URL, else
PUBLIC_URL) every AGENT_SIMULATOR_INTERVAL_SECONDS. The real agent, which measures a Kafka cluster in the
customer's cloud, comes with the agent issue.`;

/**
 * The agent's entry point: its own process. SIGTERM/SIGINT stop the ticks (a batch being retried is given
 * up; its events were either committed or are lost with the simulation), close PostgreSQL, exit 0.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  if (args.length !== 1 || args[0] !== '--simulate') {
    console.error(
      `[streamplane agent] ${args.length ? `unknown arguments: ${args.join(' ')}` : 'nothing to do'}\n\n${USAGE}`,
    );
    process.exit(64); // EX_USAGE
  }
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`[streamplane agent] ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  if (config.cloud.engine !== 'local') {
    console.error(
      '[streamplane agent] --simulate runs only with CLOUD_ENGINE=local: real deployments have real agents.',
    );
    process.exit(78);
  }
  const agent = await startAgentSimulator(config);
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    agent.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('[streamplane agent] error during shutdown:', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

main().catch((error: unknown) => {
  console.error('[streamplane agent] failed to start:', error);
  process.exit(1);
});

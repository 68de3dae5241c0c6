import { ConfigError, loadConfig, type AppConfig } from '@streamplane/config';
import { startDataPlaneAgent } from './agent/create-agent';
import { AgentConfigError, loadAgentConfig, type AgentConfig } from './config/agent-config';
import { startAgentSimulator } from './simulator/create-simulator';

const USAGE = `Usage: agent            measure this deployment's Kafka cluster and report to the control plane
       agent --simulate  (CLOUD_ENGINE=local only) simulated agents for the local engine's deployments

The agent (in the customer's cluster) reads Kafka with kafkajs' admin client and the in-cluster Prometheus,
and sends heartbeats, pipeline checkpoints and usage to POST /v1/ingest/events, spooling to disk while the
control plane cannot be reached. Environment:
  STREAMPLANE_DEPLOYMENT_ID (DEPLOYMENT_ID)       the deployment's id
  STREAMPLANE_CONTROL_PLANE_URL (CONTROL_PLANE_URL)
  AGENT_TOKEN, or STREAMPLANE_AGENT_TOKEN_FILE    the deployment's agent token
  KAFKA_BROKERS (KAFKA_BOOTSTRAP_SERVERS)         host:port,host:port
  KAFKA_SECURITY_PROTOCOL  PLAINTEXT | SSL | SASL_PLAINTEXT | SASL_SSL; KAFKA_SSL_CA_FILE
  KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD (or KAFKA_CREDENTIALS_DIR/password;
                           user.crt/user.key there for mTLS)
  PROMETHEUS_URL           optional: without it bytes in/out and storage are not reported
  STREAMPLANE_SPOOL_DIR (SPOOL_DIR), AGENT_SPOOL_MAX_BYTES, AGENT_INTERVAL_SECONDS (divides 3600; 60)
  STREAMPLANE_HTTP_PORT (AGENT_HTTP_PORT)  /healthz and /readyz for Kubernetes' probes (8080; 0: none)

--simulate sends made-up measurements for the deployments of the local engine (AGENT_CONTROL_PLANE_URL,
else PUBLIC_URL; every AGENT_SIMULATOR_INTERVAL_SECONDS; spools under SPOOL_DIR).`;

type Stoppable = { close(): Promise<void> };

/**
 * The agent's entry point: its own process. SIGTERM/SIGINT stop the rounds (a delivery in progress stops
 * retrying; its batch stays in the spool for the next start), exit 0.
 */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('--help') || args.includes('-h')) {
    console.log(USAGE);
    return;
  }
  let running: Stoppable;
  if (args.length === 0) {
    running = await startDataPlaneAgent(
      configOrExit(() => loadAgentConfig()),
      {
        logLevel: process.env.LOG_LEVEL,
      },
    );
  } else if (args.length === 1 && args[0] === '--simulate') {
    const config = configOrExit(() => loadConfig());
    if (config.cloud.engine !== 'local') {
      console.error(
        '[streamplane agent] --simulate runs only with CLOUD_ENGINE=local: real deployments have real agents.',
      );
      process.exit(78);
    }
    running = await startAgentSimulator(config);
  } else {
    console.error(`[streamplane agent] unknown arguments: ${args.join(' ')}\n\n${USAGE}`);
    process.exit(64); // EX_USAGE
  }
  let stopping = false;
  const onSignal = () => {
    if (stopping) process.exit(1);
    stopping = true;
    setTimeout(() => process.exit(1), 10_000).unref();
    running.close().then(
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

function configOrExit<T extends AppConfig | AgentConfig>(load: () => T): T {
  try {
    return load();
  } catch (error) {
    if (error instanceof ConfigError || error instanceof AgentConfigError) {
      console.error(`[streamplane agent] ${error.message}`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
}

main().catch((error: unknown) => {
  console.error('[streamplane agent] failed to start:', error);
  process.exit(1);
});

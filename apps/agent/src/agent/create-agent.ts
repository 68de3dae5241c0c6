import { createLogger } from '@streamplane/observability';
import type { Admin } from 'kafkajs';
import type { DestinationStream } from 'pino';
import { agentTokenReader, type AgentConfig } from '../config/agent-config';
import { AgentPipelinesClient } from '../control-plane/agent-pipelines-client';
import { createKafkaAdmin } from '../kafka/kafka-admin';
import { KafkaClusterReader, type KafkaAdminReads } from '../kafka/kafka-cluster-reader';
import { systemClock } from '../measure/agent-clock';
import {
  NO_PROMETHEUS_READINGS,
  PrometheusReader,
  type PrometheusSource,
} from '../prometheus/prometheus-reader';
import { CheckpointSequences } from '../reporting/checkpoint-sequences';
import { DiskSpool } from '../reporting/disk-spool';
import { EventReporter } from '../reporting/event-reporter';
import { DEFAULT_INGEST_CLIENT_OPTIONS, IngestClient } from '../reporting/ingest-client';
import { AGENT_VERSION } from './agent-version';
import { DataPlaneAgent } from './data-plane-agent';
import { healthOf, startHealthServer } from './health-server';
import type { Server } from 'node:http';
import { join } from 'node:path';

export interface RunningAgent {
  agent: DataPlaneAgent;
  close(): Promise<void>;
}

/** The real agent of one deployment: its Kafka cluster, its Prometheus, its spool, its token. */
export async function startDataPlaneAgent(
  config: AgentConfig,
  options: {
    logDestination?: DestinationStream;
    logLevel?: string;
    /** Replaces the kafkajs admin client built from the configuration (tests). */
    admin?: KafkaAdminReads & Pick<Admin, 'connect' | 'disconnect'>;
    autoStart?: boolean;
  } = {},
): Promise<RunningAgent> {
  const logger = createLogger(
    { level: options.logLevel ?? 'info', name: 'agent' },
    options.logDestination,
  ).child({ deploymentId: config.deploymentId });
  const stopping = new AbortController();
  const token = agentTokenReader(config.token);
  const admin = options.admin ?? createKafkaAdmin(config.kafka);
  // Not fatal: kafkajs connects again on the next request, and the heartbeat reports the cluster unreachable meanwhile.
  await admin
    .connect()
    .catch((error: unknown) => logger.error({ err: error }, 'could not connect to Kafka yet'));
  const prometheus: PrometheusSource = config.prometheusUrl
    ? new PrometheusReader(config.prometheusUrl, { timeoutMs: 5_000 }, (query, error) =>
        logger.warn({ query, error }, 'Prometheus query failed; reported as unknown'),
      )
    : { read: () => Promise.resolve(NO_PROMETHEUS_READINGS) };
  const reporter = new EventReporter(
    new DiskSpool({
      dir: join(config.spool.dir, 'outbox'),
      maxBytes: config.spool.maxBytes,
      onFull: (detail) => logger.error({ ...detail, dir: config.spool.dir }, 'agent spool full'),
      onCorrupt: (name, error) => logger.error({ name, error }, 'unreadable spool segment set aside'),
    }),
    new IngestClient(`${config.controlPlaneUrl}/v1/ingest/events`, DEFAULT_INGEST_CLIENT_OPTIONS),
    token,
    logger,
    { maxBatchEvents: 500 },
    stopping.signal,
  );
  const agent = new DataPlaneAgent({
    deploymentId: config.deploymentId,
    agentVersion: AGENT_VERSION,
    simulated: false,
    intervalSeconds: config.intervalSeconds,
    kafka: new KafkaClusterReader(admin, systemClock),
    prometheus,
    pipelines: new AgentPipelinesClient(config.controlPlaneUrl, token, (error) =>
      logger.warn({ error }, 'could not fetch the pipelines from the control plane; using the last list'),
    ),
    sequences: new CheckpointSequences(join(config.spool.dir, 'checkpoint-sequences.json')),
    reporter,
    clock: systemClock,
    logger,
  });
  let health: Server | undefined;
  if (config.httpPort > 0) {
    health = await startHealthServer(config.httpPort, () =>
      healthOf(agent.status(), systemClock.monotonicMs(), config.intervalSeconds),
    );
  }
  if (options.autoStart ?? true) {
    logger.info(
      {
        intervalSeconds: config.intervalSeconds,
        brokers: config.kafka.brokers,
        prometheus: !!config.prometheusUrl,
      },
      'agent started',
    );
    agent.start();
  }
  let closing: Promise<void> | undefined;
  return {
    agent,
    close: () =>
      (closing ??= (async () => {
        stopping.abort();
        await agent.stop();
        await admin.disconnect().catch(() => undefined);
        await new Promise<void>((resolve) => (health ? health.close(() => resolve()) : resolve()));
      })()),
  };
}

import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { AgentTokensService } from '@streamplane/metering';
import { createLogger, PinoNestLogger } from '@streamplane/observability';
import { SecretsModule } from '@streamplane/secrets';
import type { DestinationStream } from 'pino';
import { DEFAULT_INGEST_CLIENT_OPTIONS, IngestClient, type IngestClientOptions } from './ingest-client';
import { SimulatedDeployments } from './simulated-deployments';
import { DEFAULT_SIMULATOR_OPTIONS, UsageSimulator, type UsageSimulatorOptions } from './usage-simulator';

/**
 * The simulator's process: PostgreSQL (the deployments, and agent tokens through AgentTokensService) and
 * HTTP to the api. Reading the control plane's database for the token the provisioner gave each deployment's
 * stack is what only a simulator running beside the control plane can do; a real agent reads it from the
 * Secret the provisioner put in its cluster and never sees the database.
 */
@Module({})
class AgentSimulatorModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AgentSimulatorModule,
      imports: [ConfigModule.forRoot(config), SecretsModule],
      providers: [PrismaService, AgentTokensService, SimulatedDeployments],
    };
  }
}

export interface AgentSimulatorOptions {
  /** Where JSON logs go (stdout by default). */
  logDestination?: DestinationStream;
  /** false: build everything but do not tick on a timer (tests call `simulator.tick()`). Default true. */
  autoStart?: boolean;
  /** The api's base URL; default AGENT_CONTROL_PLANE_URL (else PUBLIC_URL). */
  controlPlaneUrl?: string;
  client?: Partial<IngestClientOptions>;
  simulator?: Partial<UsageSimulatorOptions>;
}

export interface AgentSimulator {
  app: INestApplicationContext;
  simulator: UsageSimulator;
  close(): Promise<void>;
}

/** Builds (and by default starts) the simulated agent; main.ts and the integration test run the same. */
export async function startAgentSimulator(
  config: AppConfig,
  options: AgentSimulatorOptions = {},
): Promise<AgentSimulator> {
  const logger = createLogger(
    { level: config.log.level, name: 'agent-simulator' },
    options.logDestination,
  ).child({ simulation: true });
  const app = await NestFactory.createApplicationContext(AgentSimulatorModule.forRoot(config), {
    logger: new PinoNestLogger(logger),
  });
  await app.init();
  const baseUrl = (options.controlPlaneUrl ?? config.provisioning.agent.controlPlaneUrl).replace(/\/$/, '');
  const client = new IngestClient(`${baseUrl}/v1/ingest/events`, {
    ...DEFAULT_INGEST_CLIENT_OPTIONS,
    ...options.client,
  });
  const simulator = new UsageSimulator(
    app.get(SimulatedDeployments),
    app.get(AgentTokensService),
    client,
    logger,
    {
      ...DEFAULT_SIMULATOR_OPTIONS,
      intervalSeconds: config.agentSimulator.intervalSeconds,
      ...options.simulator,
    },
  );
  if (options.autoStart ?? true) simulator.start();
  let closing: Promise<void> | undefined;
  return {
    app,
    simulator,
    close: () =>
      (closing ??= (async () => {
        await simulator.stop();
        await app.close();
      })()),
  };
}

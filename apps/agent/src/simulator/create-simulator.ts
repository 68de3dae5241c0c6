import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, type AppConfig } from '@streamplane/config';
import { PrismaService } from '@streamplane/db';
import { AgentTokensService } from '@streamplane/metering';
import { createLogger, PinoNestLogger } from '@streamplane/observability';
import { SecretsModule } from '@streamplane/secrets';
import type { DestinationStream } from 'pino';
import { simulatorSpoolDir } from '../config/agent-config';
import { systemClock, type AgentClock } from '../measure/agent-clock';
import { DEFAULT_INGEST_CLIENT_OPTIONS, type IngestClientOptions } from '../reporting/ingest-client';
import {
  DEFAULT_SIMULATED_AGENTS_OPTIONS,
  SimulatedAgents,
  type SimulatedAgentsOptions,
} from './simulated-agents';
import { SimulatedDeployments } from './simulated-deployments';

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
  simulator?: Partial<Omit<SimulatedAgentsOptions, 'client' | 'controlPlaneUrl'>>;
  /** The agents' clocks (tests move time themselves). */
  clock?: AgentClock;
}

export interface AgentSimulator {
  app: INestApplicationContext;
  simulator: SimulatedAgents;
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
  const simulator = new SimulatedAgents(
    app.get(SimulatedDeployments),
    app.get(AgentTokensService),
    options.clock ?? systemClock,
    logger,
    {
      ...DEFAULT_SIMULATED_AGENTS_OPTIONS,
      intervalSeconds: config.agentSimulator.intervalSeconds,
      spoolDir: simulatorSpoolDir(),
      ...options.simulator,
      controlPlaneUrl: baseUrl,
      client: { ...DEFAULT_INGEST_CLIENT_OPTIONS, ...options.client },
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

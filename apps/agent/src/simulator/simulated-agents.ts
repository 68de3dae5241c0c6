import { join } from 'node:path';
import type { Logger } from 'pino';
import { simulatedReplicationHealth, type SimulatedLink } from '@streamplane/replication';
import { replicationHealthEvent } from '../agent/agent-events';
import { AGENT_VERSION } from '../agent/agent-version';
import { DataPlaneAgent, type RoundReport } from '../agent/data-plane-agent';
import { AgentPipelinesClient } from '../control-plane/agent-pipelines-client';
import { KafkaClusterReader } from '../kafka/kafka-cluster-reader';
import type { AgentClock } from '../measure/agent-clock';
import { assertIntervalSeconds } from '../measure/usage-interval';
import { CheckpointSequences } from '../reporting/checkpoint-sequences';
import { DiskSpool } from '../reporting/disk-spool';
import { EventReporter } from '../reporting/event-reporter';
import { IngestClient, type IngestClientOptions } from '../reporting/ingest-client';
import { SimulatedDataPlane } from './simulated-data-plane';
import type { SimulatedDeployment } from './traffic-model';

/** The deployments to simulate: RUNNING (or UPDATING) on the local engine, read on every tick. */
export interface DeploymentSource {
  simulatedDeployments(): Promise<SimulatedDeployment[]>;
  /** Replication links between local deployments: their health is reported by the receiving side. */
  simulatedLinks?(): Promise<SimulatedLink[]>;
}

/** The agent token a deployment's cluster holds (AgentTokensService.tokenForStack in the control plane). */
export interface AgentTokenSource {
  tokenForStack(orgId: string, deploymentId: string): Promise<string>;
}

export interface SimulatedAgentsOptions {
  intervalSeconds: number;
  controlPlaneUrl: string;
  /** One spool (and checkpoint sequence file) per deployment below it. */
  spoolDir: string;
  spoolMaxBytes: number;
  maxBatchEvents: number;
  /** Deployments measured and reported at once. */
  concurrency: number;
  client: IngestClientOptions;
}

export const DEFAULT_SIMULATED_AGENTS_OPTIONS = {
  spoolMaxBytes: 64 * 1_048_576,
  maxBatchEvents: 500,
  concurrency: 4,
} as const;

interface Simulated {
  deployment: SimulatedDeployment;
  plane: SimulatedDataPlane;
  agent: DataPlaneAgent;
  reporter: EventReporter;
}

export interface TickReport {
  deployments: number;
  rounds: RoundReport[];
}

/**
 * SIMULATION — the stand-in for the data-plane agents of deployments on the `local` engine, which have no
 * cluster to measure. Each running deployment gets the real agent (DataPlaneAgent: measurement, checkpoints,
 * usage, disk spool, retries, its own token and spool directory) over a SimulatedDataPlane instead of kafkajs
 * and Prometheus; its pipelines come from GET /v1/agent/pipelines like a real agent's. Every heartbeat says
 * `simulated: true`, every log line `simulation: true`.
 *
 * New deployments are picked up on the tick after they reach RUNNING; a destroyed one's spool is still
 * delivered, then it is forgotten.
 */
export class SimulatedAgents {
  private readonly simulated = new Map<string, Simulated>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deployments: DeploymentSource,
    private readonly tokens: AgentTokenSource,
    private readonly clock: AgentClock,
    private readonly logger: Logger,
    private readonly options: SimulatedAgentsOptions,
  ) {
    assertIntervalSeconds(options.intervalSeconds);
  }

  start(): void {
    this.logger.warn(
      { intervalSeconds: this.options.intervalSeconds },
      'SIMULATED agents started: made-up measurements of local-engine deployments (nothing is measured)',
    );
    const schedule = () => {
      const ms = this.options.intervalSeconds * 1000;
      const wait = ms - (this.clock.now().getTime() % ms) + 250;
      this.timer = setTimeout(() => {
        this.running = this.tick()
          .catch((error: unknown) => this.logger.error({ err: error }, 'simulated agent tick failed'))
          .finally(() => {
            if (!this.stopping.signal.aborted) schedule();
          });
      }, wait);
    };
    schedule();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round for every running deployment; a destroyed deployment's leftover spool is delivered. */
  async tick(now = this.clock.now()): Promise<TickReport> {
    const current = await this.deployments.simulatedDeployments();
    const ids = new Set(current.map((d) => d.id));
    for (const deployment of current) this.ensure(deployment);

    const rounds: RoundReport[] = [];
    const queue = [...this.simulated.values()];
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        if (this.stopping.signal.aborted) return;
        const id = next.deployment.id;
        try {
          if (ids.has(id)) {
            rounds.push(await next.agent.round(now));
          } else if ((await next.reporter.report([])).spooledBatches === 0) {
            this.simulated.delete(id);
            this.logger.info(
              { deploymentId: id },
              'deployment no longer running: its simulated agent stopped',
            );
          }
        } catch (error) {
          this.logger.error({ err: error, deploymentId: id }, 'simulated agent round failed');
        }
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, lane));
    await this.reportReplicationHealth(ids, now);
    return { deployments: current.length, rounds };
  }

  /** MirrorMaker 2 of local links: each running direction's health, sent by the deployment it mirrors into. */
  private async reportReplicationHealth(running: Set<string>, now: Date): Promise<void> {
    if (!this.deployments.simulatedLinks) return;
    try {
      for (const link of await this.deployments.simulatedLinks()) {
        for (const { reportingDeploymentId, report } of simulatedReplicationHealth(link, now)) {
          const simulated = this.simulated.get(reportingDeploymentId);
          if (!simulated || !running.has(reportingDeploymentId)) continue;
          await simulated.reporter.report([replicationHealthEvent(reportingDeploymentId, report)]);
        }
      }
    } catch (error) {
      this.logger.error({ err: error }, 'simulated replication health could not be reported');
    }
  }

  private ensure(deployment: SimulatedDeployment): void {
    const known = this.simulated.get(deployment.id);
    if (known) {
      known.deployment = deployment;
      known.plane.update(deployment); // picks up scaling (brokers, storage)
      return;
    }
    const logger = this.logger.child({ deploymentId: deployment.id });
    const dir = join(this.options.spoolDir, deployment.id);
    // As a real agent reads its Secret: the token the provisioner handed the deployment's stack (read
    // each time, so a rotation is picked up).
    const token = () => this.tokens.tokenForStack(deployment.orgId, deployment.id);
    const plane = new SimulatedDataPlane(deployment, this.clock);
    const client = new AgentPipelinesClient(this.options.controlPlaneUrl, token, (error) =>
      logger.warn({ error }, 'could not fetch the pipelines from the control plane; using the last list'),
    );
    const reporter = new EventReporter(
      new DiskSpool({
        dir: join(dir, 'outbox'),
        maxBytes: this.options.spoolMaxBytes,
        onFull: (detail) => logger.error({ ...detail, dir }, 'simulated agent spool full'),
        onCorrupt: (name, error) => logger.error({ name, error }, 'unreadable spool segment set aside'),
      }),
      new IngestClient(`${this.options.controlPlaneUrl}/v1/ingest/events`, this.options.client),
      token,
      logger,
      { maxBatchEvents: this.options.maxBatchEvents },
      this.stopping.signal,
    );
    const agent = new DataPlaneAgent({
      deploymentId: deployment.id,
      agentVersion: AGENT_VERSION,
      simulated: true,
      intervalSeconds: this.options.intervalSeconds,
      kafka: new KafkaClusterReader(plane, this.clock),
      prometheus: plane,
      pipelines: {
        pipelines: async () => {
          const pipelines = await client.pipelines();
          plane.setPipelines(pipelines);
          return pipelines;
        },
      },
      sequences: new CheckpointSequences(join(dir, 'checkpoint-sequences.json')),
      reporter,
      clock: this.clock,
      logger,
    });
    this.simulated.set(deployment.id, { deployment, plane, agent, reporter });
    logger.info('simulating the agent of a newly running deployment');
  }
}

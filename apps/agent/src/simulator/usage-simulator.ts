import type { Logger } from 'pino';
import type { IngestClient, IngestResult } from './ingest-client';
import {
  assertIntervalSeconds,
  lastCompleteInterval,
  usageEvents,
  type Interval,
  type SimulatedDeployment,
  type UsageCloudEvent,
} from './usage-model';

/** The deployments to simulate: RUNNING (or UPDATING) on the local engine, read on every tick. */
export interface DeploymentSource {
  simulatedDeployments(): Promise<SimulatedDeployment[]>;
}

/**
 * The agent token a deployment's cluster holds (AgentTokensService.tokenForStack in the control plane: what
 * the provisioner put in the agent's Secret, or a new one for a deployment that has none).
 */
export interface AgentTokenSource {
  tokenForStack(orgId: string, deploymentId: string): Promise<string>;
}

export interface UsageSimulatorOptions {
  intervalSeconds: number;
  /** Events per request (the api caps batches; stay well under it). */
  maxBatchEvents: number;
  /** Intervals caught up after a late tick (a blocked loop, a slow api); older ones are skipped. */
  maxCatchUpIntervals: number;
  /** Undelivered events kept per deployment while the api is unreachable; the oldest go first. */
  maxBacklogEvents: number;
  /** Deployments sent for at once. */
  concurrency: number;
}

export const DEFAULT_SIMULATOR_OPTIONS: Omit<UsageSimulatorOptions, 'intervalSeconds'> = {
  maxBatchEvents: 500,
  maxCatchUpIntervals: 360,
  maxBacklogEvents: 50_000,
  concurrency: 4,
};

export interface TickReport {
  interval: Interval;
  deployments: number;
  accepted: number;
  duplicates: number;
  rejected: number;
  /** Events still waiting for delivery after this tick. */
  backlog: number;
}

interface Simulated {
  deployment: SimulatedDeployment;
  token?: string;
  /** The start of the last interval made into events. */
  lastInterval?: Date;
  /** Made, not yet delivered, oldest first. */
  backlog: UsageCloudEvent[];
}

/**
 * SIMULATION — the stand-in for the data-plane agent on deployments of the `local` engine, which have no
 * cluster to measure. On every tick it makes up the usage of each simulated deployment for the interval that
 * just ended (usage-model.ts) and sends it to the ingest endpoint, exactly like an agent would: per
 * deployment, with that deployment's agent token, in batches, retried with backoff; undelivered events wait
 * for the next tick with their ids unchanged, so whatever the api already committed is deduplicated.
 *
 * New deployments are picked up on the tick after they reach RUNNING; destroyed ones are dropped (their
 * undelivered usage is still sent).
 */
export class UsageSimulator {
  private readonly simulated = new Map<string, Simulated>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private readonly stopping = new AbortController();

  constructor(
    private readonly deployments: DeploymentSource,
    private readonly tokens: AgentTokenSource,
    private readonly client: IngestClient,
    private readonly logger: Logger,
    private readonly options: UsageSimulatorOptions,
  ) {
    assertIntervalSeconds(options.intervalSeconds);
  }

  /** Ticks at every interval boundary (plus a moment, so the interval has ended) until `stop()`. */
  start(): void {
    this.logger.warn(
      { intervalSeconds: this.options.intervalSeconds },
      'SIMULATED agent started: sending made-up usage for local-engine deployments (nothing is measured)',
    );
    const schedule = () => {
      const ms = this.options.intervalSeconds * 1000;
      const wait = ms - (Date.now() % ms) + 250;
      this.timer = setTimeout(() => {
        this.running = this.tick()
          .catch((error: unknown) => this.logger.error({ err: error }, 'simulated usage tick failed'))
          .finally(() => {
            if (!this.stopping.signal.aborted) schedule();
          });
      }, wait);
    };
    schedule();
  }

  /** Stops ticking; a tick in progress stops retrying and ends. */
  async stop(): Promise<void> {
    this.stopping.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: which deployments run, their usage for the interval that ended before `now`, delivery. */
  async tick(now = new Date()): Promise<TickReport> {
    const interval = lastCompleteInterval(now, this.options.intervalSeconds);
    const current = await this.deployments.simulatedDeployments();
    this.reconcile(current);
    for (const deploymentId of current.map((d) => d.id))
      this.makeEvents(this.simulated.get(deploymentId)!, interval);

    const report: TickReport = {
      interval,
      deployments: current.length,
      accepted: 0,
      duplicates: 0,
      rejected: 0,
      backlog: 0,
    };
    const queue = [...this.simulated.values()].filter((s) => s.backlog.length > 0);
    const lane = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const delivered = await this.deliver(next);
        report.accepted += delivered.accepted;
        report.duplicates += delivered.duplicates;
        report.rejected += delivered.rejected;
      }
    };
    await Promise.all(Array.from({ length: this.options.concurrency }, lane));

    for (const [id, s] of this.simulated) {
      report.backlog += s.backlog.length;
      // Dropped (no longer running) and nothing left to send: forget it.
      if (s.backlog.length === 0 && !current.some((d) => d.id === id)) this.simulated.delete(id);
    }
    const sent = report.accepted + report.duplicates + report.rejected;
    if (sent > 0 || report.backlog > 0) this.logger.info(report, 'simulated usage sent');
    else this.logger.debug(report, 'no simulated usage to send');
    return report;
  }

  private reconcile(current: SimulatedDeployment[]): void {
    const ids = new Set(current.map((d) => d.id));
    for (const deployment of current) {
      const known = this.simulated.get(deployment.id);
      if (known)
        known.deployment = deployment; // picks up scaling (brokers, storage)
      else {
        this.simulated.set(deployment.id, { deployment, backlog: [] });
        this.logger.info({ deploymentId: deployment.id }, 'simulating usage for a newly running deployment');
      }
    }
    for (const [id, s] of this.simulated) {
      if (!ids.has(id) && s.lastInterval) {
        s.lastInterval = undefined;
        this.logger.info({ deploymentId: id }, 'deployment no longer running: usage simulation stopped');
      }
    }
  }

  /** The events of every interval since the last one made (at most maxCatchUpIntervals), up to `interval`. */
  private makeEvents(s: Simulated, interval: Interval): void {
    const ms = interval.seconds * 1000;
    const latest = interval.start.getTime();
    const first = s.lastInterval
      ? Math.max(s.lastInterval.getTime() + ms, latest - (this.options.maxCatchUpIntervals - 1) * ms)
      : latest;
    for (let start = first; start <= latest; start += ms) {
      s.backlog.push(...usageEvents(s.deployment, { start: new Date(start), seconds: interval.seconds }));
    }
    if (first <= latest) s.lastInterval = interval.start;
    const excess = s.backlog.length - this.options.maxBacklogEvents;
    if (excess > 0) {
      s.backlog.splice(0, excess);
      this.logger.warn(
        { deploymentId: s.deployment.id, dropped: excess },
        'usage backlog full: oldest dropped',
      );
    }
  }

  /** Sends a deployment's backlog, oldest first, batch by batch; stops at the first batch not delivered. */
  private async deliver(s: Simulated): Promise<{ accepted: number; duplicates: number; rejected: number }> {
    const totals = { accepted: 0, duplicates: 0, rejected: 0 };
    const deploymentId = s.deployment.id;
    let reread = false;
    while (s.backlog.length > 0) {
      if (this.stopping.signal.aborted) break;
      const token = await this.tokenOf(s);
      if (!token) break;
      const batch = s.backlog.slice(0, this.options.maxBatchEvents);
      const outcome = await this.client.send(token, batch, this.stopping.signal);
      switch (outcome.kind) {
        case 'delivered':
          s.backlog.splice(0, batch.length);
          this.count(totals, outcome.result, deploymentId);
          break;
        case 'unauthorized':
          s.token = undefined;
          if (reread) {
            this.logger.error(
              { deploymentId, detail: outcome.message },
              'a fresh agent token was refused too',
            );
            return totals;
          }
          reread = true; // rotated or revoked: read the deployment's current token again
          break;
        case 'refused':
          s.backlog.splice(0, batch.length);
          this.logger.error(
            { deploymentId, status: outcome.status, detail: outcome.message, events: batch.length },
            'usage batch refused as a whole; dropped',
          );
          break;
        case 'failed':
          this.logger.warn(
            { deploymentId, detail: outcome.message, backlog: s.backlog.length },
            'usage batch not delivered; kept for the next tick',
          );
          return totals;
      }
    }
    return totals;
  }

  private count(
    totals: { accepted: number; duplicates: number; rejected: number },
    result: IngestResult,
    deploymentId: string,
  ): void {
    totals.accepted += result.accepted.length;
    totals.duplicates += result.duplicates.length;
    totals.rejected += result.rejected.length;
    if (result.rejected.length > 0) {
      this.logger.warn(
        { deploymentId, rejected: result.rejected.slice(0, 5), count: result.rejected.length },
        'usage events rejected',
      );
    }
  }

  private async tokenOf(s: Simulated): Promise<string | undefined> {
    if (s.token) return s.token;
    try {
      // As a real agent reads its Secret: the token the provisioner handed the deployment's stack.
      s.token = await this.tokens.tokenForStack(s.deployment.orgId, s.deployment.id);
      return s.token;
    } catch (error) {
      this.logger.error({ err: error, deploymentId: s.deployment.id }, 'could not get the agent token');
      return undefined;
    }
  }
}

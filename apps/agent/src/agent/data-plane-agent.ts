import type { Logger } from 'pino';
import type { PipelineSource } from '../control-plane/agent-pipelines-client';
import type { KafkaClusterReader, ClusterObservation } from '../kafka/kafka-cluster-reader';
import type { AgentClock } from '../measure/agent-clock';
import { assertIntervalSeconds, lastCompleteInterval } from '../measure/usage-interval';
import type { PrometheusSource } from '../prometheus/prometheus-reader';
import type { CheckpointSequences } from '../reporting/checkpoint-sequences';
import type { DeliveryReport, EventReporter } from '../reporting/event-reporter';
import {
  checkpointStages,
  measurementRound,
  sequenceKey,
  type RoundOutput,
  type RoundSamples,
} from './measurement-round';

export interface DataPlaneAgentDeps {
  deploymentId: string;
  agentVersion: string;
  /** true for `--simulate`: every report says it is made up. */
  simulated: boolean;
  intervalSeconds: number;
  kafka: KafkaClusterReader;
  prometheus: PrometheusSource;
  pipelines: PipelineSource;
  sequences: CheckpointSequences;
  reporter: EventReporter;
  clock: AgentClock;
  logger: Logger;
}

export interface RoundReport {
  round: RoundOutput;
  delivery: DeliveryReport;
}

/** What the agent's health endpoints answer from (monotonic milliseconds). */
export interface AgentStatus {
  startedAtMs: number;
  /** When the last round began, if any did. */
  lastRoundStartedAtMs?: number;
  /** Whether the last round could read the Kafka cluster (false until one did). */
  kafkaReachable: boolean;
}

/**
 * One deployment's agent: every interval it reads the cluster (kafkajs admin) and Prometheus, learns the
 * deployment's pipelines from the control plane, turns that into a heartbeat, checkpoints and usage
 * (measurementRound) and hands them to the reporter (disk spool, then delivery with retries).
 */
export class DataPlaneAgent {
  private samples: RoundSamples = {};
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = false;
  private readonly state: AgentStatus;

  constructor(private readonly deps: DataPlaneAgentDeps) {
    assertIntervalSeconds(deps.intervalSeconds);
    this.state = { startedAtMs: deps.clock.monotonicMs(), kafkaReachable: false };
  }

  status(): Readonly<AgentStatus> {
    return { ...this.state };
  }

  /** Rounds at every interval boundary (plus a moment, so the interval has ended) until `stop()`. */
  start(): void {
    const schedule = () => {
      const ms = this.deps.intervalSeconds * 1000;
      const wait = ms - (this.deps.clock.now().getTime() % ms) + 250;
      this.timer = setTimeout(() => {
        this.running = this.round()
          .catch((error: unknown) => this.deps.logger.error({ err: error }, 'agent round failed'))
          .finally(() => {
            if (!this.stopped) schedule();
          });
      }, wait);
    };
    schedule();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One measurement and report. */
  async round(now = this.deps.clock.now()): Promise<RoundReport> {
    const { deps } = this;
    this.state.lastRoundStartedAtMs = deps.clock.monotonicMs();
    const interval = lastCompleteInterval(now, deps.intervalSeconds);
    const pipelines = await deps.pipelines.pipelines();
    const groups = pipelines.flatMap((p) =>
      p.stages.flatMap((s) =>
        s.consumerGroup && s.inputTopic ? [{ groupId: s.consumerGroup, topic: s.inputTopic }] : [],
      ),
    );
    let observation: ClusterObservation | undefined;
    try {
      observation = await deps.kafka.observe(groups);
    } catch (error) {
      deps.logger.error({ err: error }, 'could not read the Kafka cluster; reporting it as not ready');
    }
    this.state.kafkaReachable = observation !== undefined;
    const prometheus = await deps.prometheus.read(deps.intervalSeconds);
    const stages = observation ? checkpointStages(pipelines) : [];
    const taken = await deps.sequences.next(stages);
    await deps.sequences.retain(new Set(pipelines.map((p) => p.id)));
    const round = measurementRound({
      deploymentId: deps.deploymentId,
      agentVersion: deps.agentVersion,
      simulated: deps.simulated,
      interval,
      observedAt: now,
      observation,
      previous: this.samples,
      prometheus,
      pipelines,
      sequences: new Map(stages.map((s, i) => [sequenceKey(s.pipelineId, s.stage), taken[i]])),
    });
    this.samples = round.samples;
    const delivery = await deps.reporter.report(round.events);
    deps.logger.info(
      {
        interval: interval.start.toISOString(),
        brokersReady: round.heartbeat.brokersReady,
        pipelines: pipelines.length,
        events: round.events.length,
        ...delivery,
      },
      'agent round reported',
    );
    return { round, delivery };
  }
}

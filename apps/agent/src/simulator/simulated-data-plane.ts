import type { ITopicMetadata } from 'kafkajs';
import type { AgentPipeline } from '../control-plane/agent-pipelines-client';
import type { KafkaAdminReads } from '../kafka/kafka-cluster-reader';
import type { AgentClock } from '../measure/agent-clock';
import type { PrometheusReadings, PrometheusSource } from '../prometheus/prometheus-reader';
import {
  activity,
  consumerCapacityFactor,
  devicesSeen,
  noise,
  profileOf,
  selectivityOf,
  sourceMessagesPerSecond,
  type DeploymentProfile,
  type SimulatedDeployment,
} from './traffic-model';

/** Partitions of a pipeline stage's topic (the pipeline default). */
const PIPELINE_PARTITIONS = 6;
const GIB = 2 ** 30;
/** Simulated time advances in steps of at most this (the model is integrated, not solved). */
const STEP_MS = 1_000;
/**
 * A consumer's committed offset trails what it has processed by this many steps (records fetched and in
 * flight, auto-commit every few seconds): under flow a consumer that keeps up still shows a small lag that
 * follows the traffic, as a real one does, rather than a flat 0 — whenever the agent happens to read it.
 */
const COMMIT_DELAY_STEPS = 5;

/**
 * SIMULATION. A `local` deployment's Kafka cluster and Prometheus, made up: it answers the same kafkajs
 * admin calls and Prometheus readings the real agent reads, so `--simulate` runs the agent's own
 * measurement and reporting code over it. Pipelines move data as the traffic model says — a source takes
 * in messages (day curve, bursts), each stage's consumer has a capacity that cycles below and above what
 * arrives (its lag grows and shrinks), filters drop some — integrated over the agent's monotonic time.
 */
export class SimulatedDataPlane implements KafkaAdminReads, PrometheusSource {
  private deployment: SimulatedDeployment;
  private profile: DeploymentProfile;
  private pipelines: readonly AgentPipeline[] = [];
  /** Messages written per topic since the simulation began. */
  private readonly written = new Map<string, number>();
  /** Messages each consumer group has processed. */
  private readonly consumed = new Map<string, number>();
  /** Each consumer group's processed count over the last COMMIT_DELAY_STEPS steps, oldest first. */
  private readonly recentlyConsumed = new Map<string, number[]>();
  private lastMonotonicMs: number;

  constructor(
    deployment: SimulatedDeployment,
    private readonly clock: AgentClock,
  ) {
    this.deployment = deployment;
    this.profile = profileOf(deployment);
    this.lastMonotonicMs = clock.monotonicMs();
    // A cluster that has been running: customer topics start with some history.
    for (const topic of this.baseTopics())
      this.written.set(topic, 1_000_000 + this.profile.messageBytes * 100);
  }

  /** The deployment as it is now (scaling changes brokers and storage). */
  update(deployment: SimulatedDeployment): void {
    this.deployment = deployment;
    this.profile = profileOf(deployment);
  }

  /** The pipelines applied on the deployment, as the control plane lists them. */
  setPipelines(pipelines: readonly AgentPipeline[]): void {
    this.advance();
    this.pipelines = pipelines;
  }

  // ---- kafkajs Admin (the part the agent reads) ----

  describeCluster(): ReturnType<KafkaAdminReads['describeCluster']> {
    this.advance();
    return Promise.resolve({
      brokers: this.brokerIds().map((nodeId) => ({ nodeId, host: `broker-${nodeId}.local`, port: 9093 })),
      controller: 0,
      clusterId: `simulated-${this.deployment.id.slice(0, 8)}`,
    });
  }

  fetchTopicMetadata(): ReturnType<KafkaAdminReads['fetchTopicMetadata']> {
    this.advance();
    const brokers = this.brokerIds();
    const replicas = (p: number) =>
      [0, 1, 2].map((i) => brokers[(p + i) % brokers.length]).slice(0, Math.min(3, brokers.length));
    const topics: ITopicMetadata[] = [...this.partitionCounts()].map(([name, count]) => ({
      name,
      partitions: Array.from({ length: count }, (_, p) => ({
        partitionErrorCode: 0,
        partitionId: p,
        leader: replicas(p)[0],
        replicas: replicas(p),
        isr: replicas(p),
      })),
    }));
    return Promise.resolve({ topics });
  }

  fetchTopicOffsets(topic: string): ReturnType<KafkaAdminReads['fetchTopicOffsets']> {
    this.advance();
    const count = this.partitionCounts().get(topic);
    if (count === undefined)
      return Promise.reject(new Error(`This server does not host this topic-partition: ${topic}`));
    return Promise.resolve(
      spread(this.written.get(topic) ?? 0, count).map((high, partition) => ({
        partition,
        offset: String(high),
        high: String(high),
        low: '0',
      })),
    );
  }

  fetchOffsets(options: { groupId: string; topics?: string[] }): ReturnType<KafkaAdminReads['fetchOffsets']> {
    this.advance();
    const consumed = this.recentlyConsumed.get(options.groupId)?.[0];
    return Promise.resolve(
      (options.topics ?? []).map((topic) => {
        const count = this.partitionCounts().get(topic) ?? 0;
        return {
          topic,
          partitions: spread(consumed ?? 0, count).map((offset, partition) => ({
            partition,
            offset: consumed === undefined ? '-1' : String(offset),
            metadata: null,
          })),
        };
      }),
    );
  }

  // ---- Prometheus ----

  read(windowSeconds: number): Promise<PrometheusReadings> {
    this.advance();
    const now = this.clock.now();
    const seed = this.deployment.id;
    const pipelineBytes = this.pipelines
      .filter((p) => !p.paused)
      .reduce((sum, p) => sum + sourceMessagesPerSecond(p.id, now) * this.profile.messageBytes, 0);
    const bytesIn = this.profile.ingressBytesPerSecond * activity(now) * noise(seed, now) + pipelineBytes;
    const assetsByPipeline = new Map<string, string[]>();
    for (const pipeline of this.pipelines) {
      if (pipeline.paused || !pipeline.stages.some((s) => s.kind === 'source.mqtt')) continue;
      assetsByPipeline.set(pipeline.id, devicesSeen(pipeline.id, now, windowSeconds));
    }
    return Promise.resolve({
      bytesInPerSec: bytesIn,
      bytesOutPerSec: bytesIn * this.profile.fanOut,
      underReplicatedPartitions: 0,
      offlinePartitions: 0,
      storageBytes: this.deployment.brokers * this.deployment.storagePerBrokerGiB * GIB,
      assetsByPipeline,
    });
  }

  // ---- the model ----

  /** Moves the simulated cluster forward to the agent's monotonic now. */
  private advance(): void {
    const nowMs = this.clock.monotonicMs();
    const wallNow = this.clock.now().getTime();
    for (let at = this.lastMonotonicMs; at < nowMs; at += STEP_MS) {
      const dt = Math.min(STEP_MS, nowMs - at) / 1000;
      this.step(new Date(wallNow - (nowMs - at)), dt);
    }
    this.lastMonotonicMs = Math.max(this.lastMonotonicMs, nowMs);
  }

  private step(time: Date, dt: number): void {
    const add = (map: Map<string, number>, key: string, amount: number) =>
      map.set(key, (map.get(key) ?? 0) + amount);
    const baseRate = (this.profile.ingressBytesPerSecond * activity(time)) / this.profile.messageBytes;
    const topics = this.baseTopics();
    for (const topic of topics) add(this.written, topic, (baseRate / topics.length) * dt);

    for (const pipeline of this.pipelines) {
      if (pipeline.paused) continue;
      const arriving = sourceMessagesPerSecond(pipeline.id, time);
      let nominal = arriving; // what reaches the current stage per second when nobody lags
      for (const stage of pipeline.stages) {
        if (!stage.consumerGroup || !stage.inputTopic) {
          // A source: what arrives is written to its topic.
          if (stage.outputTopic) add(this.written, stage.outputTopic, arriving * dt);
          continue;
        }
        const waiting =
          (this.written.get(stage.inputTopic) ?? 0) - (this.consumed.get(stage.consumerGroup) ?? 0);
        const capacity = nominal * consumerCapacityFactor(`${pipeline.id}/${stage.name}`, time) * dt;
        const taken = Math.max(0, Math.min(waiting, capacity));
        add(this.consumed, stage.consumerGroup, taken);
        const selectivity = selectivityOf(stage.kind);
        if (stage.outputTopic) add(this.written, stage.outputTopic, taken * selectivity);
        nominal *= selectivity;
      }
    }
    for (const [group, processed] of this.consumed) {
      const history = this.recentlyConsumed.get(group) ?? [];
      history.push(processed);
      if (history.length > COMMIT_DELAY_STEPS) history.shift();
      this.recentlyConsumed.set(group, history);
    }
  }

  private brokerIds(): number[] {
    return Array.from({ length: Math.max(1, this.deployment.brokers) }, (_, i) => i);
  }

  private baseTopics(): string[] {
    return Array.from({ length: this.profile.baseTopics }, (_, i) => `events-${i}`);
  }

  private partitionCounts(): Map<string, number> {
    const counts = new Map<string, number>([['__consumer_offsets', 50]]);
    for (const topic of this.baseTopics()) counts.set(topic, this.profile.partitionsPerTopic);
    for (const pipeline of this.pipelines) {
      for (const stage of pipeline.stages) {
        for (const topic of [stage.inputTopic, stage.outputTopic]) {
          if (topic && !counts.has(topic)) counts.set(topic, PIPELINE_PARTITIONS);
        }
      }
    }
    return counts;
  }
}

/** `total` messages over `partitions` partitions, as whole offsets (the same split for ends and commits). */
function spread(total: number, partitions: number): number[] {
  const whole = Math.floor(total);
  return Array.from(
    { length: partitions },
    (_, p) => Math.floor((whole * (p + 1)) / partitions) - Math.floor((whole * p) / partitions),
  );
}

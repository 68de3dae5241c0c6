import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { CappedCounter, CappedHistogram, capLabel } from './capped-metrics';
import {
  sampleWithin,
  type JobCountsSource,
  type MetricsSampleLogger,
  QUEUE_STATES,
} from './metrics-sampling';

/** Seconds, from a fast HTTP request to a slow Pulumi run. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Distinct GraphQL operation names kept as label values (the dashboard's and any client's queries fit). */
export const GRAPHQL_OPERATION_NAMES = 200;
const JOB_BUCKETS = [0.05, 0.25, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200];

/** What an ingest request ended with (POST /v1/ingest/events: IngestResult of libs/metering). */
export interface IngestOutcome {
  accepted: readonly unknown[];
  duplicates: readonly unknown[];
  rejected: readonly { reason: string }[];
}

/**
 * One registry per process (api, provisioner, billing), so tests can build processes side by side without
 * clashing names. Every process registers every metric; each records the ones of its own work. Label values
 * come from closed sets (routes, job names, enums), never from user input such as ids.
 */
export class Metrics {
  readonly registry = new Registry();

  // ------------------------------------------------------------------------------------------- api

  readonly httpRequests = new Counter({
    name: 'streamplane_http_requests_total',
    help: 'HTTP requests by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });

  readonly httpDuration = new Histogram({
    name: 'streamplane_http_request_duration_seconds',
    help: 'HTTP request duration by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });

  /** Operation names are the client's: at most GRAPHQL_OPERATION_NAMES of them per process, then `_other`. */
  private readonly graphqlOperationCap = capLabel('operation', GRAPHQL_OPERATION_NAMES);

  readonly graphqlOperations = new CappedCounter(
    {
      name: 'streamplane_graphql_operations_total',
      help: 'GraphQL operations by type, name and outcome',
      labelNames: ['type', 'operation', 'outcome'] as const,
      registers: [this.registry],
    },
    this.graphqlOperationCap,
  );

  readonly graphqlDuration = new CappedHistogram(
    {
      name: 'streamplane_graphql_operation_duration_seconds',
      help: 'GraphQL operation execution time by type and name',
      labelNames: ['type', 'operation'] as const,
      buckets: REQUEST_BUCKETS,
      registers: [this.registry],
    },
    this.graphqlOperationCap,
  );

  readonly graphqlActiveSubscriptions = new Gauge({
    name: 'streamplane_graphql_subscriptions_active',
    help: 'GraphQL subscriptions currently open on this process, by subscription field',
    labelNames: ['subscription'] as const,
    registers: [this.registry],
  });

  readonly liveEventsDropped = new Counter({
    name: 'streamplane_live_events_dropped_total',
    help: 'Live-status messages read off Redis and not delivered, by reason (malformed, slow subscriber)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  /** `reason` only on rejected events: the RejectionReason of libs/metering (a closed set). */
  readonly ingestEvents = new Counter({
    name: 'streamplane_ingest_events_total',
    help: 'Agent events (usage and telemetry) received on /v1/ingest/events by outcome (accepted, duplicate, rejected) and rejection reason',
    labelNames: ['outcome', 'reason'] as const,
    registers: [this.registry],
  });

  // ------------------------------------------------------------------------------------------- queues

  private readonly queues = new Map<string, JobCountsSource>();

  /**
   * Sampled when scraped, from each queue this process observes. Registered by the first observeQueue, so a
   * process that samples no queue exports no series (rather than zeros that would hide a backlog).
   */
  readonly queueJobs = new Gauge({
    name: 'streamplane_queue_jobs',
    help: 'Jobs in a BullMQ queue by state (waiting, active, delayed, failed), sampled at scrape',
    labelNames: ['queue', 'state'] as const,
    registers: [],
    collect: () => this.sampleQueues(),
  });

  readonly jobDuration = new Histogram({
    name: 'streamplane_job_duration_seconds',
    help: 'Time a worker spent on a BullMQ job, by queue, job name and outcome (completed, failed)',
    labelNames: ['queue', 'job', 'outcome'] as const,
    buckets: JOB_BUCKETS,
    registers: [this.registry],
  });

  /** Counted where the provisioner ends an operation (SUCCEEDED, FAILED, CANCELLED). */
  readonly operations = new Counter({
    name: 'streamplane_operations_total',
    help: 'Deployment operations finished by the provisioner, by type and outcome',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  private oldestRunningSource: (() => Promise<number>) | undefined;

  /** Registered by observeOldestRunningOperation (the provisioner): no other process exports it. */
  readonly oldestRunningOperation = new Gauge({
    name: 'streamplane_operations_oldest_running_seconds',
    help: 'How long the longest-running operation has been RUNNING (0 when none runs; NaN when it could not be read), sampled at scrape',
    registers: [],
    collect: () => this.sampleOldestRunning(),
  });

  // ------------------------------------------------------------------------------------------- billing

  private rollupLagSource: (() => Promise<number>) | undefined;

  /** Registered by observeRollupLag (the billing worker): no other process exports it. */
  readonly rollupLag = new Gauge({
    name: 'streamplane_billing_rollup_lag_seconds',
    help: 'Age of the oldest usage hour waiting for a roll-up (0 when none waits; NaN when it could not be read), sampled at scrape',
    registers: [],
    collect: () => this.sampleRollupLag(),
  });

  readonly rollupDuration = new Histogram({
    name: 'streamplane_billing_rollup_duration_seconds',
    help: 'Duration of one roll-up of the pending usage hours',
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 900],
    registers: [this.registry],
  });

  readonly rollupHours = new Counter({
    name: 'streamplane_billing_rollup_hours_total',
    help: 'Pending (deployment, dimension, hour) rows rolled up',
    registers: [this.registry],
  });

  readonly creditsBurned = new Counter({
    name: 'streamplane_billing_credits_burned_cents_total',
    help: 'Credits burned on finalized invoices, in minor units (cents), by currency',
    labelNames: ['currency'] as const,
    registers: [this.registry],
  });

  readonly invoicesFinalized = new Counter({
    name: 'streamplane_billing_invoices_finalized_total',
    help: 'Invoices finalized',
    registers: [this.registry],
  });

  readonly sampleErrors = new Counter({
    name: 'streamplane_metrics_sample_errors_total',
    help: 'Scrape-time samples that failed or timed out (the series is then left out of that scrape), by source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  constructor(
    options: { defaultMetrics?: boolean; logger?: MetricsSampleLogger; sampleTimeoutMs?: number } = {},
  ) {
    this.logger = options.logger;
    this.sampleTimeoutMs = options.sampleTimeoutMs ?? 2000;
    if (options.defaultMetrics ?? true)
      collectDefaultMetrics({ register: this.registry, prefix: 'streamplane_' });
  }

  private readonly logger: MetricsSampleLogger | undefined;
  private readonly sampleTimeoutMs: number;

  /** One ingest request's result: events accepted, acknowledged as duplicates, rejected by reason. */
  recordIngest(result: IngestOutcome): void {
    if (result.accepted.length > 0) this.ingestEvents.inc({ outcome: 'accepted' }, result.accepted.length);
    if (result.duplicates.length > 0)
      this.ingestEvents.inc({ outcome: 'duplicate' }, result.duplicates.length);
    const byReason = new Map<string, number>();
    for (const { reason } of result.rejected) byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
    for (const [reason, count] of byReason) this.ingestEvents.inc({ outcome: 'rejected', reason }, count);
  }

  /** Samples this queue's job counts at every scrape (every replica samples the same queue: use max()). */
  observeQueue(queue: JobCountsSource): void {
    this.queues.set(queue.name, queue);
    this.registerOnce(this.queueJobs);
  }

  /** Sets how the roll-up lag (seconds) is read at scrape, e.g. from PostgreSQL. */
  observeRollupLag(source: () => Promise<number>): void {
    this.rollupLagSource = source;
    this.registerOnce(this.rollupLag);
  }

  /** Sets how the age (seconds) of the oldest RUNNING operation is read at scrape, e.g. from PostgreSQL. */
  observeOldestRunningOperation(source: () => Promise<number>): void {
    this.oldestRunningSource = source;
    this.registerOnce(this.oldestRunningOperation);
  }

  /**
   * Every metric name this class can export (histograms as their _bucket, _sum and _count series), whether
   * this process registered it or not, plus the default process metrics: what dashboards and alert rules
   * may refer to (deploy/kubernetes/components/monitoring/monitoring.spec.ts).
   */
  exportableSeriesNames(): string[] {
    const own = Object.values(this).filter(isMetric);
    const names = new Set<string>();
    for (const metric of [...this.registry.getMetricsAsArray().filter(isMetric), ...own]) {
      const { name } = metric as unknown as { name: string };
      if (metric instanceof Histogram)
        for (const suffix of ['_bucket', '_sum', '_count']) names.add(name + suffix);
      else names.add(name);
    }
    return [...names].sort();
  }

  private registerOnce(metric: Gauge): void {
    const name = (metric as unknown as { name: string }).name;
    if (!this.registry.getSingleMetric(name)) this.registry.registerMetric(metric);
  }

  private async sampleQueues(): Promise<void> {
    this.queueJobs.reset();
    await Promise.all(
      [...this.queues.values()].map(async (queue) => {
        const counts = await sampleWithin(
          `queue ${queue.name}`,
          () => queue.getJobCounts(...QUEUE_STATES),
          this.sampleTimeoutMs,
          this.onSampleError('queue'),
        );
        if (!counts) return;
        for (const state of QUEUE_STATES)
          this.queueJobs.set({ queue: queue.name, state }, counts[state] ?? 0);
      }),
    );
  }

  private sampleRollupLag(): Promise<void> {
    return this.sampleSeconds(this.rollupLag, this.rollupLagSource, 'rollup_lag');
  }

  private sampleOldestRunning(): Promise<void> {
    return this.sampleSeconds(
      this.oldestRunningOperation,
      this.oldestRunningSource,
      'oldest_running_operation',
    );
  }

  private async sampleSeconds(
    gauge: Gauge,
    source: (() => Promise<number>) | undefined,
    name: string,
  ): Promise<void> {
    if (!source) return;
    const seconds = await sampleWithin(name, source, this.sampleTimeoutMs, this.onSampleError(name));
    // An unlabelled gauge cannot be left out of a scrape: NaN says "unknown" (0 would say "all is well").
    gauge.set(seconds ?? Number.NaN);
  }

  private onSampleError(source: string) {
    return (error: Error) => {
      this.sampleErrors.inc({ source });
      this.logger?.warn({ err: error, source }, 'Could not sample a metric at scrape');
    };
  }
}

function isMetric(value: unknown): value is Counter | Gauge | Histogram {
  // CappedCounter and CappedHistogram are a Counter and a Histogram.
  return value instanceof Counter || value instanceof Gauge || value instanceof Histogram;
}

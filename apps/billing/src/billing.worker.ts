import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { Metrics, runJobInSpan } from '@streamplane/observability';
import { recordJobDurations } from '@streamplane/workers';
import { Queue, Worker, type Job } from 'bullmq';
import {
  BILLING_JOB_NAMES,
  BILLING_JOB_OPTIONS,
  BILLING_QUEUE,
  billingQueueOptions,
  billingSchedules,
  type BillingJobs,
} from './jobs/billing.jobs';
import { BILLING_JOB_HANDLERS, handlersByJobName, type BillingJobHandler } from './jobs/job-handlers';

type AnyBillingJob = Job<BillingJobs[keyof BillingJobs], void, keyof BillingJobs>;

/** Why a worker aborts its running jobs: it is shutting down. */
const SHUTDOWN_REASON = 'worker-shutdown';

/**
 * The billing worker: upserts one job scheduler per job name (every replica upserts the same ones, so there
 * is one schedule however many run; schedulers no longer in the contract are removed) and processes the
 * `billing` queue. A worker that dies mid-job stops renewing the job's lock; BullMQ moves the job back as
 * stalled and another worker runs it again, and the next tick comes anyway — every job is idempotent.
 */
@Injectable()
export class BillingWorker {
  private readonly logger = new Logger(BillingWorker.name);
  private readonly handlers: Map<string, BillingJobHandler>;
  private queue: Queue<BillingJobs[keyof BillingJobs], void, keyof BillingJobs> | undefined;
  private worker: Worker<BillingJobs[keyof BillingJobs], void, keyof BillingJobs> | undefined;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Inject(BILLING_JOB_HANDLERS) handlers: BillingJobHandler[],
    private readonly metrics: Metrics,
  ) {
    // At construction, so a mismatch stops the process before it schedules or takes any job.
    this.handlers = handlersByJobName(BILLING_JOB_NAMES, handlers);
  }

  async start(): Promise<void> {
    const options = billingQueueOptions(this.config);
    const queue = new Queue<BillingJobs[keyof BillingJobs], void, keyof BillingJobs>(BILLING_QUEUE, options);
    this.queue = queue;
    // Its depth is sampled at every scrape through this (non-blocking) queue connection.
    this.metrics.observeQueue(queue);
    const schedules = billingSchedules(this.config);
    for (const name of BILLING_JOB_NAMES) {
      await queue.upsertJobScheduler(name, schedules[name], { name, data: {}, opts: BILLING_JOB_OPTIONS });
    }
    for (const scheduler of await queue.getJobSchedulers()) {
      if (!(BILLING_JOB_NAMES as readonly string[]).includes(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        this.logger.warn({ scheduler: scheduler.key }, 'Removed a job scheduler the contract no longer has');
      }
    }

    const worker = new Worker<BillingJobs[keyof BillingJobs], void, keyof BillingJobs>(
      BILLING_QUEUE,
      // Three parameters: BullMQ passes an AbortSignal only to processors that declare one.
      (job: AnyBillingJob, _token?: string, signal?: AbortSignal) => this.process(job, signal),
      // One slot per job name: a long roll-up does not hold up invoices (every job is safe alongside any other).
      { ...options, concurrency: BILLING_JOB_NAMES.length, autorun: false },
    );
    worker.on('error', (error) => this.logger.error({ err: error }, 'Billing worker error'));
    worker.on('failed', (job, error) =>
      this.logger.warn({ jobId: job?.id, job: job?.name, err: error }, 'Billing job failed'),
    );
    worker.on('stalled', (jobId) => this.logger.warn({ jobId }, 'A stalled job was moved back to the queue'));
    recordJobDurations(worker, this.metrics);
    this.worker = worker;
    await worker.waitUntilReady();
    worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'Billing worker stopped'));
    this.logger.log(
      {
        queue: BILLING_QUEUE,
        schedules: Object.fromEntries(BILLING_JOB_NAMES.map((name) => [name, schedules[name]])),
      },
      'Billing worker taking jobs',
    );
  }

  /** For /readyz: the worker was started and neither stopped nor broke off. */
  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  /** Stops taking jobs, asks running ones to stop at a safe point, waits for them, closes connections. */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (worker) {
      const closing = worker.close();
      worker.cancelAllJobs(SHUTDOWN_REASON);
      await closing;
      this.logger.log('Billing worker stopped taking jobs');
    }
    await this.queue?.close();
  }

  private async process(job: AnyBillingJob, signal?: AbortSignal): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new Error(`No handler for job '${job.name}'`); // unreachable: checked at start
    const started = Date.now();
    // A CONSUMER span per job (a no-op when tracing is not configured).
    await runJobInSpan(job, {}, () => handler.handle(job, signal));
    this.logger.debug({ jobId: job.id, job: job.name, ms: Date.now() - started }, 'Billing job done');
  }
}

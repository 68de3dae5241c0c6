import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import {
  OperationRunner,
  PROVISIONING_JOB_NAMES,
  PROVISIONING_QUEUE,
  provisioningQueueOptions,
  type OperationRunPayload,
  type ProvisioningJobs,
} from '@streamplane/deployments';
import {
  ATTR_DEPLOYMENT_ID,
  ATTR_OPERATION_ID,
  ATTR_ORG_ID,
  Metrics,
  runJobInSpan,
} from '@streamplane/observability';
import { recordJobDurations } from '@streamplane/workers';
import { Worker, type Job } from 'bullmq';
import {
  PROVISIONING_JOB_HANDLERS,
  handlersByJobName,
  type ProvisioningJobHandler,
} from './jobs/job-handlers';
import { SHUTDOWN_REASON } from './jobs/operation-run.job';

type AnyProvisioningJob = Job<ProvisioningJobs[keyof ProvisioningJobs], void, keyof ProvisioningJobs>;

/**
 * The BullMQ worker of the provisioning queue. The job lock is renewed by BullMQ's lock manager every half
 * `lockDuration` for as long as a run is alive (the event loop stays free: the engines await I/O or a child
 * process); a worker that dies stops renewing, and after `stalledInterval` another worker moves its job
 * back to the queue and runs it again — the deployment lock and the engine's state make that a resume.
 */
@Injectable()
export class ProvisioningWorker {
  private readonly logger = new Logger(ProvisioningWorker.name);
  private readonly handlers: Map<string, ProvisioningJobHandler>;
  private worker: Worker<ProvisioningJobs[keyof ProvisioningJobs], void, keyof ProvisioningJobs> | undefined;

  constructor(
    @InjectConfig() private readonly config: AppConfig,
    @Inject(PROVISIONING_JOB_HANDLERS) handlers: ProvisioningJobHandler[],
    private readonly runner: OperationRunner,
    // The process' registry (create-provisioner.ts); absent when the module is built without one.
    @Optional() private readonly metrics?: Metrics,
  ) {
    // At construction, so a mismatch stops the process before it takes any job.
    this.handlers = handlersByJobName(PROVISIONING_JOB_NAMES, handlers);
  }

  async start(): Promise<void> {
    const settings = this.config.provisioning;
    const worker = new Worker<ProvisioningJobs[keyof ProvisioningJobs], void, keyof ProvisioningJobs>(
      PROVISIONING_QUEUE,
      // Three parameters: BullMQ passes an AbortSignal only to processors that declare one.
      (job: AnyProvisioningJob, token?: string, signal?: AbortSignal) => this.process(job, token, signal),
      {
        ...provisioningQueueOptions(this.config),
        concurrency: settings.concurrency,
        lockDuration: settings.jobLockMs,
        stalledInterval: settings.stalledIntervalMs,
        maxStalledCount: settings.maxStalledCount,
        autorun: false,
      },
    );
    worker.on('error', (error) => this.logger.error({ err: error }, 'Provisioning worker error'));
    worker.on('lockRenewalFailed', (jobIds) =>
      this.logger.warn({ jobIds }, 'Could not renew job locks: another worker may pick these jobs up'),
    );
    worker.on('stalled', (jobId) => this.logger.warn({ jobId }, 'A stalled job was moved back to the queue'));
    worker.on('failed', (job, error) => {
      this.logger.warn({ jobId: job?.id, err: error, attemptsMade: job?.attemptsMade }, 'Job failed');
      // A job failed by BullMQ itself (stalled too often) never reached our handler's outcome.
      if (job && isOperationRun(job) && /stalled/i.test(error.message)) {
        void this.runner.abandon(job.data, `The job was abandoned by the queue: ${error.message}`);
      }
    });
    if (this.metrics) recordJobDurations(worker, this.metrics);
    this.worker = worker;
    await worker.waitUntilReady();
    worker.run().catch((error: unknown) => this.logger.error({ err: error }, 'Provisioning worker stopped'));
    this.logger.log(
      { queue: PROVISIONING_QUEUE, concurrency: settings.concurrency, jobs: [...this.handlers.keys()] },
      'Provisioner taking jobs',
    );
  }

  /** For /readyz: the worker was started and neither stopped nor broke off. */
  isRunning(): boolean {
    return this.worker?.isRunning() ?? false;
  }

  /**
   * Stops taking jobs, asks every running operation to stop at a safe point and hand its job back, and
   * waits for that, then closes the queue connections.
   */
  async stop(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    const closing = worker.close();
    worker.cancelAllJobs(SHUTDOWN_REASON);
    await closing;
    this.logger.log('Provisioner stopped taking jobs');
  }

  /**
   * Each run of a job is a CONSUMER span that continues the trace of the request that enqueued it (the
   * trace context in its data); the StackEngine's spans are its children.
   */
  private async process(job: AnyProvisioningJob, token?: string, signal?: AbortSignal): Promise<void> {
    const handler = this.handlers.get(job.name);
    if (!handler) throw new Error(`No handler for job '${job.name}'`); // unreachable: checked at start
    const attributes = isOperationRun(job)
      ? {
          [ATTR_OPERATION_ID]: job.data.operationId,
          [ATTR_DEPLOYMENT_ID]: job.data.deploymentId,
          [ATTR_ORG_ID]: job.data.orgId,
        }
      : {};
    await runJobInSpan(job, attributes, () => handler.handle(job, token, signal));
  }
}

function isOperationRun(job: AnyProvisioningJob): job is Job<OperationRunPayload, void, 'operation.run'> {
  return job.name === 'operation.run';
}

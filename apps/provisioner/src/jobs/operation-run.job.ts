import { Injectable, Logger } from '@nestjs/common';
import { OperationRunner, type OperationRunPayload } from '@streamplane/deployments';
import { DelayedError, UnrecoverableError, WaitingError, type Job } from 'bullmq';
import type { ProvisioningJobHandler } from './job-handlers';

/** Why a worker aborts its running jobs: it is shutting down (see ProvisioningWorker.stop). */
export const SHUTDOWN_REASON = 'worker-shutdown';

/**
 * `operation.run`: runs the operation through OperationRunner and tells BullMQ what became of it.
 * Transient failures are thrown as plain errors (retried with the job's backoff); anything else as
 * UnrecoverableError (failed now; the operation is already FAILED in PostgreSQL). A run that must wait
 * (deployment locked, maintenance window) or is handed back at shutdown does not use up an attempt.
 */
@Injectable()
export class OperationRunJob implements ProvisioningJobHandler<'operation.run'> {
  readonly jobName = 'operation.run' as const;
  private readonly logger = new Logger(OperationRunJob.name);

  constructor(private readonly runner: OperationRunner) {}

  async handle(
    job: Job<OperationRunPayload, void, 'operation.run'>,
    token: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const outcome = await this.runner.run(job.data, {
      attemptsMade: job.attemptsMade,
      attempts: job.opts.attempts ?? 1,
      shutdown: signal,
    });
    switch (outcome.kind) {
      case 'done':
        this.logger.log({ jobId: job.id, status: outcome.status, detail: outcome.detail }, 'Job done');
        return;
      case 'unrecoverable':
        throw new UnrecoverableError(outcome.message);
      case 'retry':
        throw new Error(outcome.message);
      case 'deferred':
        this.logger.log({ jobId: job.id, until: outcome.until, reason: outcome.reason }, 'Job deferred');
        await job.moveToDelayed(outcome.until.getTime(), token);
        throw new DelayedError(outcome.reason);
      case 'handed-back':
        await job.moveToWait(token);
        throw new WaitingError('handed back: the worker is shutting down');
    }
  }
}

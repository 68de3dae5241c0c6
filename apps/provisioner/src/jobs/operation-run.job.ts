import { Injectable, Logger, Optional } from '@nestjs/common';
import { PrismaService } from '@streamplane/db';
import {
  OperationRunner,
  type OperationRunPayload,
  type OperationRunOutcome,
} from '@streamplane/deployments';
import { Metrics } from '@streamplane/observability';
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

  constructor(
    private readonly runner: OperationRunner,
    private readonly prisma: PrismaService,
    // The process' registry (create-provisioner.ts); absent when the module is built without one.
    @Optional() private readonly metrics?: Metrics,
  ) {}

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
    await this.countOperation(job.data, outcome);
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

  /**
   * `streamplane_operations_total{type, outcome}`: an operation that ended (SUCCEEDED, FAILED, CANCELLED, as
   * PostgreSQL now has it) or whose attempt failed and will be retried (`retried`). Skipped, deferred and
   * handed-back runs did not end anything. The type is read back (the job carries only ids); a failure to
   * read it never fails the job.
   */
  private async countOperation(payload: OperationRunPayload, outcome: OperationRunOutcome): Promise<void> {
    if (!this.metrics) return;
    const ended =
      (outcome.kind === 'done' && outcome.status !== 'SKIPPED') || outcome.kind === 'unrecoverable';
    if (!ended && outcome.kind !== 'retry') return;
    try {
      const operation = await this.prisma.operation.findUnique({
        where: { id: payload.operationId },
        select: { type: true, status: true },
      });
      if (!operation) return;
      const final = ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(operation.status);
      if (ended && !final) return;
      const result = ended ? operation.status.toLowerCase() : 'retried';
      this.metrics.operations.inc({ type: operation.type.toLowerCase(), outcome: result });
    } catch (error) {
      this.logger.warn({ err: error, operationId: payload.operationId }, 'Could not count the operation');
    }
  }
}

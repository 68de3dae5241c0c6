import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { DeploymentStatus, type Deployment, type Operation } from '@streamplane/db';
import { parseDeploymentSpec, type DeploymentSpec } from '@streamplane/deployment-spec';
import {
  ProvisioningError,
  ProvisioningErrorCode,
  emptySummary,
  redactOutputs,
  type StackEngine,
  type StackRequest,
  type StackRunResult,
} from '@streamplane/provisioning';
import type { DeploymentStatusChanged, OperationChanged } from '../events/deployment-events';
import type { ProvisioningJobs } from '../jobs/provisioning.jobs';
import { KafkaUpgradeRun, type UpgradeGate } from '../upgrades/kafka-upgrade-run';
import { UpgradeRunError } from '../upgrades/upgrade-run.codes';
import { DeploymentEventPublisher } from './deployment-event-publisher';
import { DeploymentLocks, type DeploymentLock } from './deployment-lock';
import { OperationStore, type OperationWithDeployment } from './operation-store';
import { ResourceEventWriter } from './resource-event-writer';
import { StackAgent } from './stack-agent';
import { STACK_ENGINE } from './stack-engine.provider';
import { StackWorkloads, type StackOperationOutcome } from './stack-workloads';

export type OperationRunPayload = ProvisioningJobs['operation.run'];

/** What the queue should do with the job after a run. */
export type OperationRunOutcome =
  /** Finished (succeeded, failed for good, cancelled) or nothing to do: the job is complete. */
  | { kind: 'done'; status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' | 'SKIPPED'; detail?: string }
  /** Failed in a way no retry can fix: fail the job now. The operation is FAILED in PostgreSQL. */
  | { kind: 'unrecoverable'; message: string }
  /** A transient failure: retry the job with backoff. The operation is QUEUED again. */
  | { kind: 'retry'; message: string }
  /** Cannot run yet (the deployment is locked by another run, or not before its window): try again then. */
  | { kind: 'deferred'; until: Date; reason: string }
  /** The worker is shutting down: the operation stopped at a safe point; hand the job back to the queue. */
  | { kind: 'handed-back' };

export interface OperationRunContext {
  /** Completed attempts of this job before this one (BullMQ `attemptsMade`). */
  attemptsMade: number;
  /** Attempts the job has in all. */
  attempts: number;
  /** Aborted when the worker shuts down: the run stops at a safe point and is handed back. */
  shutdown?: AbortSignal;
}

/** Reasons an engine run is aborted (the AbortSignal's reason). */
const ABORT = {
  cancel: 'cancel-requested',
  shutdown: 'worker-shutdown',
  lockLost: 'deployment-lock-lost',
} as const;
type AbortReason = (typeof ABORT)[keyof typeof ABORT];

/**
 * Runs one Operation to its end through the StackEngine (apps/provisioner's only job): takes the
 * deployment's lock, moves operation and deployment through their statuses (ARCHITECTURE.md "Deployment
 * lifecycle"), streams resource events to PostgreSQL and Redis, honours cancellation, and commits the
 * outcome — each status change committed before it is published.
 */
@Injectable()
export class OperationRunner {
  private readonly logger = new Logger(OperationRunner.name);

  constructor(
    private readonly store: OperationStore,
    private readonly locks: DeploymentLocks,
    private readonly publisher: DeploymentEventPublisher,
    @Inject(STACK_ENGINE) private readonly engine: StackEngine,
    @InjectConfig() private readonly config: AppConfig,
    private readonly upgrades: KafkaUpgradeRun,
    private readonly agent: StackAgent,
    private readonly workloads: StackWorkloads,
  ) {}

  async run(payload: OperationRunPayload, context: OperationRunContext): Promise<OperationRunOutcome> {
    const { orgId, deploymentId, operationId } = payload;
    const found = await this.store.load(orgId, deploymentId, operationId);
    if (!found) {
      return {
        kind: 'unrecoverable',
        message: `Operation ${operationId} of deployment ${deploymentId} not found`,
      };
    }
    const skipped = skipReason(found.operation);
    if (skipped) return { kind: 'done', status: 'SKIPPED', detail: skipped };
    if (found.operation.notBefore && found.operation.notBefore.getTime() > Date.now()) {
      return {
        kind: 'deferred',
        until: found.operation.notBefore,
        reason: 'not before its maintenance window',
      };
    }

    const lock = await this.locks.tryAcquire(deploymentId);
    if (!lock) {
      return {
        kind: 'deferred',
        until: new Date(Date.now() + this.config.provisioning.lockRetryMs),
        reason: 'another operation of the deployment is running',
      };
    }
    try {
      // Read again under the lock: whoever held it may have just finished this very operation.
      const current = await this.store.load(orgId, deploymentId, operationId);
      if (!current) return { kind: 'unrecoverable', message: `Operation ${operationId} disappeared` };
      const skippedNow = skipReason(current.operation);
      if (skippedNow) return { kind: 'done', status: 'SKIPPED', detail: skippedNow };
      return await this.runLocked(current, lock, context);
    } catch (error) {
      // Our own I/O failed (PostgreSQL, Redis) outside the engine: retry; the next run resumes the stack.
      this.logger.error({ err: error, operationId }, 'Operation run broke off');
      if (context.attemptsMade + 1 < context.attempts) return { kind: 'retry', message: messageOf(error) };
      const current = await this.store.load(orgId, deploymentId, operationId).catch(() => undefined);
      if (current && !skipReason(current.operation)) {
        return this.finishFailed(current.operation, 'INTERNAL', messageOf(error)).catch(() => ({
          kind: 'unrecoverable' as const,
          message: messageOf(error),
        }));
      }
      return { kind: 'unrecoverable', message: messageOf(error) };
    } finally {
      await lock.release();
    }
  }

  /**
   * The queue gave up on the job without a run reaching an outcome (it stalled more often than allowed):
   * the operation is FAILED so the deployment does not stay in progress for ever. Best effort.
   */
  async abandon(payload: OperationRunPayload, message: string): Promise<void> {
    try {
      const found = await this.store.load(payload.orgId, payload.deploymentId, payload.operationId);
      if (found && !skipReason(found.operation))
        await this.finishFailed(found.operation, 'ABANDONED', message);
    } catch (error) {
      this.logger.error(
        { err: error, operationId: payload.operationId },
        'Could not mark an abandoned operation',
      );
    }
  }

  private async runLocked(
    { operation, deployment }: OperationWithDeployment,
    lock: DeploymentLock,
    context: OperationRunContext,
  ): Promise<OperationRunOutcome> {
    if (operation.cancelRequestedAt) {
      return this.finishCancelled(operation, 'Cancelled before it started');
    }
    if (deployment.engine !== this.engine.kind) {
      return this.finishFailed(
        operation,
        'ENGINE_MISMATCH',
        `The deployment runs on the ${deployment.engine} engine; this provisioner runs ${this.engine.kind}`,
      );
    }
    let spec: DeploymentSpec;
    try {
      spec = specOf(operation, deployment);
    } catch (error) {
      return this.finishFailed(
        operation,
        'INVALID_SPEC',
        `The operation's spec is invalid: ${messageOf(error)}`,
      );
    }

    if (operation.type === 'UPGRADE') {
      const gate = await this.upgrades.gate(operation, deployment);
      if (gate.kind !== 'start') return this.stoppedAtUpgradeGate(gate);
    }

    // We hold the deployment's lock, so an operation still RUNNING was left by a run that died.
    const interrupted = operation.status === 'RUNNING';
    const started = await this.store.start(operation, inProgressStatus(operation), new Date());
    if (!started) return { kind: 'done', status: 'SKIPPED', detail: 'ended by someone else' };
    await this.publishChanged(started, { operation: true, deployment: touchesDeployment(operation) });
    this.logger.log(
      { operationId: operation.id, deploymentId: deployment.id, type: operation.type, interrupted },
      'Operation started',
    );

    const abort = new AbortController();
    const onShutdown = () => abort.abort(ABORT.shutdown);
    const onLockLost = () => abort.abort(ABORT.lockLost);
    context.shutdown?.addEventListener('abort', onShutdown, { once: true });
    lock.lost.addEventListener('abort', onLockLost, { once: true });
    if (context.shutdown?.aborted) onShutdown();
    const stopPolling = this.pollCancellation(operation.id, abort);

    const writer = new ResourceEventWriter(
      {
        insert: (rows) => this.store.insertEvents(rows),
        publish: (events) => this.publisher.publish(events),
      },
      {
        operationId: operation.id,
        deploymentId: deployment.id,
        orgId: deployment.orgId,
        sequenceBase: await this.store.lastSequence(operation.id),
      },
    );
    let result: StackRunResult | undefined;
    let failure: unknown;
    try {
      const request: StackRequest = {
        stackName: deployment.stackName,
        input: {
          deploymentId: deployment.id,
          spec,
          // The agent's token is the one its cluster already has (or, on the first run, a new one).
          agent: await this.agent.inputFor(deployment),
          // Every run carries the deployment's workloads (pipelines), so no run removes one by leaving it out.
          ...(await this.workloads.contributions(deployment, operation)),
        },
        signal: abort.signal,
        previousRunInterrupted: interrupted,
        onEvent: (event) => writer.add(event),
      };
      result = await this.execute(operation, request);
      // Before the outcome is committed: should this fail, the retry destroys nothing and revokes again.
      if (operation.type === 'DESTROY') await this.agent.revokeTokens(deployment);
    } catch (error) {
      failure = error;
    } finally {
      stopPolling();
      context.shutdown?.removeEventListener('abort', onShutdown);
      lock.lost.removeEventListener('abort', onLockLost);
    }
    // Every event of the run is stored before its outcome is committed.
    await writer.flush();

    if (result) {
      if (result.recovery) {
        this.logger.warn(
          { operationId: operation.id, recovery: result.recovery },
          'Resumed an interrupted run',
        );
      }
      const ended = await this.store.succeed(
        started.operation,
        {
          destroyed: operation.type === 'DESTROY',
          deploymentUnchanged: !touchesDeployment(operation),
          outputs: redactOutputs(result.outputs),
        },
        new Date(),
      );
      if (!ended) return { kind: 'done', status: 'SKIPPED', detail: 'ended by someone else' };
      await this.publishChanged(ended, { operation: true, deployment: touchesDeployment(operation) });
      await this.settle(ended.operation, 'SUCCEEDED');
      this.logger.log({ operationId: operation.id, summary: result.summary }, 'Operation succeeded');
      return { kind: 'done', status: 'SUCCEEDED' };
    }
    return this.handleFailure(started.operation, failure, abort.signal, context);
  }

  private async execute(operation: Operation, request: StackRequest): Promise<StackRunResult> {
    switch (operation.type) {
      case 'CREATE':
      case 'UPDATE':
      case 'SCALE':
      case 'PIPELINE':
      case 'REPLICATION':
        return this.engine.up(request);
      case 'UPGRADE':
        return this.upgrades.roll(operation, request);
      case 'DESTROY':
        try {
          return await this.engine.destroy(request);
        } catch (error) {
          // Nothing was ever created (a CREATE that failed before its first resource): nothing to destroy.
          if (error instanceof ProvisioningError && error.code === ProvisioningErrorCode.STACK_NOT_FOUND) {
            const { kind: engine, simulated } = this.engine;
            return { engine, simulated, outputs: {}, durationMs: 0, summary: emptySummary() };
          }
          throw error;
        }
      case 'PREVIEW': {
        const preview = await this.engine.preview(request);
        return { ...preview, outputs: {} };
      }
    }
  }

  private async handleFailure(
    operation: Operation,
    error: unknown,
    signal: AbortSignal,
    context: OperationRunContext,
  ): Promise<OperationRunOutcome> {
    const reason = signal.aborted ? (signal.reason as AbortReason) : undefined;
    const cancelled = error instanceof ProvisioningError && error.code === ProvisioningErrorCode.CANCELLED;
    if (cancelled && reason === ABORT.cancel) {
      return this.finishCancelled(operation, 'Cancelled while running');
    }
    if (cancelled && reason === ABORT.shutdown) {
      const requeued = await this.store.requeue(operation, undefined);
      if (requeued) await this.publishOperation(requeued);
      this.logger.log({ operationId: operation.id }, 'Operation handed back: the worker is shutting down');
      return { kind: 'handed-back' };
    }
    const code =
      error instanceof ProvisioningError || error instanceof UpgradeRunError ? error.code : 'INTERNAL';
    const message =
      cancelled && reason === ABORT.lockLost
        ? 'The connection holding the deployment lock broke; the run stopped'
        : messageOf(error);
    // Stopped because the lock was lost, an engine that reports a transient failure, or our own I/O
    // (PostgreSQL, Redis) failing: all retried. Everything else needs a person or a new request.
    const transient =
      (cancelled && reason === ABORT.lockLost) ||
      (error instanceof ProvisioningError
        ? error.retryable && !cancelled
        : !(error instanceof UpgradeRunError));
    const lastAttempt = context.attemptsMade + 1 >= context.attempts;
    this.logger.warn(
      { operationId: operation.id, code, transient, lastAttempt, err: error },
      'Operation run failed',
    );
    if (transient && !lastAttempt) {
      const requeued = await this.store.requeue(operation, { code, message: `${message} (will retry)` });
      if (requeued) await this.publishOperation(requeued);
      return { kind: 'retry', message };
    }
    return this.finishFailed(operation, code, message);
  }

  /** An upgrade that did not start: it waits for its preconditions, or it ended without changing anything. */
  private async stoppedAtUpgradeGate(
    gate: Exclude<UpgradeGate, { kind: 'start' }>,
  ): Promise<OperationRunOutcome> {
    if (gate.kind === 'wait') {
      if (gate.noted) await this.publishOperation(gate.noted);
      return { kind: 'deferred', until: gate.until, reason: gate.reason };
    }
    if (gate.ended) await this.publishChanged(gate.ended, { operation: true, deployment: true });
    return { kind: 'unrecoverable', message: `${gate.code}: ${gate.message}` };
  }

  private async finishFailed(
    operation: Operation,
    code: string,
    message: string,
  ): Promise<OperationRunOutcome> {
    const ended = await this.store.fail(
      operation,
      {
        status: 'FAILED',
        code,
        message,
        deploymentMessage: touchesDeployment(operation) ? `${operation.type} failed: ${message}` : undefined,
      },
      new Date(),
    );
    if (ended) {
      await this.publishChanged(ended, { operation: true, deployment: touchesDeployment(operation) });
      await this.settle(ended.operation, 'FAILED', message);
    }
    return { kind: 'unrecoverable', message: `${code}: ${message}` };
  }

  private async finishCancelled(operation: Operation, message: string): Promise<OperationRunOutcome> {
    // Cancelled before anything ran (or a preview): the deployment is left as it is.
    const changedDeployment =
      touchesDeployment(operation) && (operation.status === 'RUNNING' || operation.startedAt !== null);
    const ended = await this.store.fail(
      operation,
      {
        status: 'CANCELLED',
        code: 'CANCELLED',
        message,
        deploymentMessage: changedDeployment
          ? `${operation.type} was cancelled part-way; retry it or destroy the deployment`
          : undefined,
      },
      new Date(),
    );
    if (ended) {
      await this.publishChanged(ended, { operation: true, deployment: changedDeployment });
      await this.settle(ended.operation, 'CANCELLED', message);
    }
    return { kind: 'done', status: 'CANCELLED', detail: message };
  }

  /** Polls `cancelRequestedAt` while the run is alive; aborts the engine when it is set. */
  private pollCancellation(operationId: string, abort: AbortController): () => void {
    const timer = setInterval(() => {
      this.store.cancelRequested(operationId).then(
        (requested) => {
          if (requested && !abort.signal.aborted) abort.abort(ABORT.cancel);
        },
        (error: unknown) => this.logger.warn({ err: error, operationId }, 'Could not check for cancellation'),
      );
    }, this.config.provisioning.cancelPollMs);
    return () => clearInterval(timer);
  }

  private async publishChanged(
    { operation, deployment }: OperationWithDeployment,
    which: { operation: boolean; deployment: boolean },
  ): Promise<void> {
    const events: (OperationChanged | DeploymentStatusChanged)[] = [];
    if (which.operation) events.push(operationChanged(operation));
    if (which.deployment) events.push(deploymentChanged(deployment));
    await this.publisher.publish(events);
  }

  private async publishOperation(operation: Operation): Promise<void> {
    await this.publisher.publish([operationChanged(operation)]);
  }

  /** The outcome is committed: the workload contributors (pipelines) follow it. Never throws. */
  private settle(operation: Operation, outcome: StackOperationOutcome, message?: string): Promise<void> {
    return this.workloads.settle(operation, outcome, message);
  }
}

/**
 * Whether the operation changes the deployment's own status: a preview does not, nor does a pipeline or a
 * replication-link change (the deployment stays RUNNING meanwhile; the pipeline or link has its own status).
 */
function touchesDeployment(operation: Operation): boolean {
  return operation.type !== 'PREVIEW' && operation.type !== 'PIPELINE' && operation.type !== 'REPLICATION';
}

function skipReason(operation: Operation): string | undefined {
  switch (operation.status) {
    case 'SUCCEEDED':
    case 'FAILED':
    case 'CANCELLED':
      return `already ${operation.status}`;
    case 'QUEUED':
    case 'RUNNING':
      return undefined;
  }
}

/** The deployment's status while the operation runs; none for a preview or a pipeline change. */
function inProgressStatus(operation: Operation): DeploymentStatus | undefined {
  switch (operation.type) {
    case 'CREATE':
      return DeploymentStatus.PROVISIONING;
    case 'UPDATE':
    case 'SCALE':
    case 'UPGRADE':
      return DeploymentStatus.UPDATING;
    case 'DESTROY':
      return DeploymentStatus.DESTROYING;
    case 'PREVIEW':
    case 'PIPELINE':
    case 'REPLICATION':
      return undefined;
  }
}

/** The spec the operation applies (`input.spec`, written when the change was accepted), else the deployment's. */
function specOf(operation: Operation, deployment: Deployment): DeploymentSpec {
  const input = operation.input as { spec?: unknown } | null;
  return parseDeploymentSpec(input?.spec ?? deployment.spec);
}

function operationChanged(operation: Operation): OperationChanged {
  return {
    kind: 'OPERATION',
    orgId: operation.orgId,
    deploymentId: operation.deploymentId,
    at: operation.updatedAt.toISOString(),
    operationId: operation.id,
    type: operation.type,
    status: operation.status,
    attempt: operation.attempt,
    error: operation.errorMessage,
  };
}

function deploymentChanged(deployment: Deployment): DeploymentStatusChanged {
  return {
    kind: 'DEPLOYMENT_STATUS',
    orgId: deployment.orgId,
    deploymentId: deployment.id,
    at: deployment.updatedAt.toISOString(),
    status: deployment.status,
    generation: deployment.generation,
    observedGeneration: deployment.observedGeneration,
    message: deployment.statusMessage,
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

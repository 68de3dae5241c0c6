import { Injectable, Logger } from '@nestjs/common';
import { AuditLogService } from '@streamplane/audit';
import {
  ActorType,
  OperationStatus,
  OperationType,
  PipelineState,
  PipelineStatus,
  Prisma,
  PrismaService,
  type Deployment,
  type Operation,
  type Pipeline,
} from '@streamplane/db';
import { OperationDispatcher, type StackOperationOutcome } from '@streamplane/deployments';
import { PipelineCheckpointStore } from '../checkpoints/pipeline-checkpoint-store';
import { PipelineLivePublisher } from '../live/pipeline-live-publisher';
import {
  deletePhaseOf,
  IN_PROGRESS,
  pipelineIdOf,
  settledStatusOf,
  type PipelineOperationInput,
} from './pipeline-lifecycle';

/**
 * Moves pipelines to where an operation's committed outcome leaves them: a PIPELINE operation's pipeline to
 * RUNNING, PAUSED or DELETED (its applied spec and state := the desired ones) or FAILED; a destroyed
 * deployment's pipelines to DELETED. Idempotent: each update is conditional on the pipeline still waiting
 * for that outcome, so settling twice (the runner, then a reader healing a missed settle) changes nothing.
 * The PREPARE run of a delete with topics that succeeded queues the REMOVE run instead (the pipeline stays
 * DELETING): once, by the pipeline's latest operation.
 */
@Injectable()
export class PipelineSettlement {
  private readonly logger = new Logger(PipelineSettlement.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly live: PipelineLivePublisher,
    private readonly checkpoints: PipelineCheckpointStore,
    private readonly audit: AuditLogService,
    private readonly dispatcher: OperationDispatcher,
  ) {}

  async settle(operation: Operation, outcome: StackOperationOutcome, message?: string): Promise<void> {
    if (operation.type === 'DESTROY' && outcome === 'SUCCEEDED') {
      await this.deploymentDestroyed(operation);
      return;
    }
    const pipelineId = pipelineIdOf(operation);
    if (!pipelineId) return;
    if (outcome === 'SUCCEEDED' && deletePhaseOf(operation) === 'PREPARE') {
      await this.queueRemoval(operation, pipelineId);
      return;
    }
    const input = operation.input as unknown as PipelineOperationInput;
    const now = new Date();
    const settled = await this.prisma.$transaction(async (tx) => {
      const pipeline = await tx.pipeline.findFirst({
        where: { id: pipelineId, orgId: operation.orgId, deploymentId: operation.deploymentId },
      });
      if (!pipeline || pipeline.generation !== input.pipelineGeneration) return undefined;
      // Waiting for this outcome: in progress, or FAILED and run again (a retry of the operation).
      if (!IN_PROGRESS.includes(pipeline.status) && pipeline.status !== PipelineStatus.FAILED)
        return undefined;
      const data: Prisma.PipelineUpdateManyMutationInput =
        outcome === 'SUCCEEDED'
          ? {
              status: settledStatusOf(input.desiredState),
              statusMessage: null,
              appliedGeneration: pipeline.generation,
              appliedState: input.desiredState,
              ...(input.desiredState === PipelineState.DELETED
                ? { live: null, deletedAt: now }
                : { appliedSpec: pipeline.spec as Prisma.InputJsonValue }),
            }
          : {
              status: PipelineStatus.FAILED,
              statusMessage: truncate(
                `${describe(operation, input)} ${outcome === 'CANCELLED' ? 'was cancelled' : 'failed'}${message ? `: ${message}` : ''}`,
                2000,
              ),
            };
      const updated = await tx.pipeline.updateMany({
        where: { id: pipeline.id, status: pipeline.status, generation: pipeline.generation },
        data,
      });
      return updated.count === 1 ? tx.pipeline.findUniqueOrThrow({ where: { id: pipeline.id } }) : undefined;
    });
    if (!settled) return;
    if (settled.status === PipelineStatus.DELETED) await this.checkpoints.clear(settled.id);
    await this.live.statusChanged(settled);
  }

  /**
   * A pipeline still in progress whose operation has ended without it being settled (the provisioner died
   * between committing the outcome and settling, or the api cancelled the queued operation): settled now.
   * Returns the pipeline as it is afterwards.
   */
  async heal(pipeline: Pipeline): Promise<Pipeline> {
    if (!IN_PROGRESS.includes(pipeline.status)) return pipeline;
    const operation = await this.prisma.operation.findFirst({
      where: { pipelineId: pipeline.id, orgId: pipeline.orgId },
      orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
    });
    if (!operation || operation.active) return pipeline;
    const outcome: StackOperationOutcome =
      operation.status === OperationStatus.SUCCEEDED
        ? 'SUCCEEDED'
        : operation.status === OperationStatus.CANCELLED
          ? 'CANCELLED'
          : 'FAILED';
    await this.settle(operation, outcome, operation.errorMessage ?? undefined);
    return this.prisma.pipeline.findUniqueOrThrow({ where: { id: pipeline.id } });
  }

  /**
   * The PREPARE run succeeded: the pipeline has no stages left and its topics are released, so the REMOVE
   * run is queued (same requester, the pipeline stays DELETING). Only while `prepare` is the pipeline's
   * latest operation and the pipeline waits for it, under the pipeline's row lock: the runner and a reader
   * healing a missed settle never queue it twice. Should the deployment have another operation active by
   * then, nothing is written and the next read of the pipeline (heal) queues it.
   */
  private async queueRemoval(prepare: Operation, pipelineId: string): Promise<void> {
    const input = prepare.input as unknown as PipelineOperationInput;
    let queued: { deployment: Deployment; operation: Operation; pipeline: Pipeline } | undefined;
    try {
      queued = await this.prisma.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT id FROM pipelines WHERE id = ${pipelineId}::uuid FOR UPDATE`;
        const pipeline = await tx.pipeline.findFirst({
          where: { id: pipelineId, orgId: prepare.orgId, deploymentId: prepare.deploymentId, live: true },
        });
        if (!pipeline || pipeline.generation !== input.pipelineGeneration) return undefined;
        if (pipeline.status !== PipelineStatus.DELETING && pipeline.status !== PipelineStatus.FAILED)
          return undefined;
        const latest = await tx.operation.findFirst({
          where: { pipelineId, orgId: prepare.orgId },
          orderBy: [{ queuedAt: 'desc' }, { id: 'desc' }],
          select: { id: true },
        });
        if (latest?.id !== prepare.id) return undefined;
        const deployment = await tx.deployment.findUniqueOrThrow({ where: { id: prepare.deploymentId } });
        const removeInput: PipelineOperationInput = { ...input, phase: 'REMOVE' };
        const operation = await tx.operation.create({
          data: {
            orgId: prepare.orgId,
            deploymentId: prepare.deploymentId,
            pipelineId,
            type: OperationType.PIPELINE,
            generation: deployment.generation,
            input: removeInput as unknown as Prisma.InputJsonObject,
            requestedByType: prepare.requestedByType,
            requestedById: prepare.requestedById,
          },
        });
        const updated = await tx.pipeline.update({
          where: { id: pipelineId },
          data: { status: PipelineStatus.DELETING, statusMessage: null },
        });
        await this.audit.record(
          tx,
          { orgId: prepare.orgId, actorType: ActorType.SYSTEM },
          {
            action: 'pipeline.delete_topics',
            targetType: 'Pipeline',
            targetId: pipelineId,
            metadata: { name: pipeline.name, after: prepare.id, operationId: operation.id },
          },
        );
        return { deployment, operation, pipeline: updated };
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      this.logger.warn(
        { operationId: prepare.id, pipelineId },
        'Another operation of the deployment is active; the removal of the topics is queued on a later read',
      );
      return;
    }
    if (!queued) return;
    await this.dispatcher.dispatch(queued.deployment, queued.operation);
    await this.live.statusChanged(queued.pipeline);
  }

  private async deploymentDestroyed(operation: Operation): Promise<void> {
    const now = new Date();
    const pipelines = await this.prisma.pipeline.findMany({
      where: { deploymentId: operation.deploymentId, orgId: operation.orgId, live: true },
      select: { id: true },
    });
    if (pipelines.length === 0) return;
    await this.prisma.pipeline.updateMany({
      where: { id: { in: pipelines.map((p) => p.id) }, live: true },
      data: {
        status: PipelineStatus.DELETED,
        desiredState: PipelineState.DELETED,
        appliedState: PipelineState.DELETED,
        statusMessage: 'The deployment was destroyed.',
        live: null,
        deletedAt: now,
      },
    });
    for (const { id } of pipelines) {
      await this.checkpoints.clear(id);
      await this.live.statusChanged(await this.prisma.pipeline.findUniqueOrThrow({ where: { id } }));
    }
  }
}

/** The operation in the pipeline's status message: its action, and the run of a delete with topics. */
function describe(operation: Operation, input: PipelineOperationInput): string {
  switch (deletePhaseOf(operation)) {
    case 'PREPARE':
      return `${input.action} (removing the stages)`;
    case 'REMOVE':
      return `${input.action} (deleting the topics)`;
    case undefined:
      return input.action;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

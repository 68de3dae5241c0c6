import { Injectable } from '@nestjs/common';
import {
  OperationStatus,
  PipelineState,
  PipelineStatus,
  Prisma,
  PrismaService,
  type Operation,
  type Pipeline,
} from '@streamplane/db';
import type { StackOperationOutcome } from '@streamplane/deployments';
import { PipelineCheckpointStore } from '../checkpoints/pipeline-checkpoint-store';
import { PipelineLivePublisher } from '../live/pipeline-live-publisher';
import {
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
 */
@Injectable()
export class PipelineSettlement {
  constructor(
    private readonly prisma: PrismaService,
    private readonly live: PipelineLivePublisher,
    private readonly checkpoints: PipelineCheckpointStore,
  ) {}

  async settle(operation: Operation, outcome: StackOperationOutcome, message?: string): Promise<void> {
    if (operation.type === 'DESTROY' && outcome === 'SUCCEEDED') {
      await this.deploymentDestroyed(operation);
      return;
    }
    const pipelineId = pipelineIdOf(operation);
    if (!pipelineId) return;
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
                `${input.action} ${outcome === 'CANCELLED' ? 'was cancelled' : 'failed'}${message ? `: ${message}` : ''}`,
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

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

import { PipelineState, PipelineStatus, type Operation, type Pipeline } from '@streamplane/db';

/** What a PIPELINE operation's `input` holds (the provisioner's contributor and settle read it). */
export interface PipelineOperationInput {
  pipelineId: string;
  /** The pipeline generation (desired spec) the operation applies. */
  pipelineGeneration: number;
  desiredState: PipelineState;
  action: PipelineAction;
  deleteTopics?: boolean;
}

export type PipelineAction = 'deploy' | 'update' | 'pause' | 'resume' | 'delete';

/** Statuses with a PIPELINE operation on the way. */
export const IN_PROGRESS: readonly PipelineStatus[] = [
  PipelineStatus.DEPLOYING,
  PipelineStatus.PAUSING,
  PipelineStatus.RESUMING,
  PipelineStatus.UPDATING,
  PipelineStatus.DELETING,
];

/** The pipeline a PIPELINE operation changes: the column, or (a retry made by the deployments' retry) its input. */
export function pipelineIdOf(operation: Operation): string | undefined {
  if (operation.type !== 'PIPELINE') return undefined;
  const input = operation.input as Partial<PipelineOperationInput> | null;
  return operation.pipelineId ?? (typeof input?.pipelineId === 'string' ? input.pipelineId : undefined);
}

/** The in-progress status for an action on a pipeline in its current state. */
export function inProgressStatusOf(
  action: PipelineAction,
  pipeline: Pick<Pipeline, 'appliedSpec'>,
): PipelineStatus {
  switch (action) {
    case 'deploy':
      return pipeline.appliedSpec === null ? PipelineStatus.DEPLOYING : PipelineStatus.UPDATING;
    case 'update':
      return PipelineStatus.UPDATING;
    case 'pause':
      return PipelineStatus.PAUSING;
    case 'resume':
      return PipelineStatus.RESUMING;
    case 'delete':
      return PipelineStatus.DELETING;
  }
}

/** Where a pipeline ends when an operation applying `desired` succeeded. */
export function settledStatusOf(desired: PipelineState): PipelineStatus {
  switch (desired) {
    case PipelineState.ACTIVE:
      return PipelineStatus.RUNNING;
    case PipelineState.PAUSED:
      return PipelineStatus.PAUSED;
    case PipelineState.DELETED:
      return PipelineStatus.DELETED;
  }
}

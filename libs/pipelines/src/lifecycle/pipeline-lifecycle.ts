import { PipelineState, PipelineStatus, type Operation, type Pipeline } from '@streamplane/db';

/** What a PIPELINE operation's `input` holds (the provisioner's contributor and settle read it). */
export interface PipelineOperationInput {
  pipelineId: string;
  /** The pipeline generation (desired spec) the operation applies. */
  pipelineGeneration: number;
  desiredState: PipelineState;
  action: PipelineAction;
  /** On an operation whose desired state is DELETED: whether the pipeline's topics go too. */
  deleteTopics?: boolean;
  /** Which run of a delete with its topics this is (absent: a delete in one run, topics kept). */
  phase?: PipelineDeletePhase;
}

export type PipelineAction = 'deploy' | 'update' | 'pause' | 'resume' | 'delete';

/**
 * A delete with its topics takes two runs, because Pulumi deletes a resource with the `retainOnDelete`
 * recorded by the previous run, and live topics are recorded as retained:
 * - PREPARE: the pipeline stays on the stack without stages (runners, users, autoscaling removed) and its
 *   topics are no longer retained;
 * - REMOVE: queued by settle once PREPARE succeeded; the pipeline is left out, so its topics are deleted.
 * The pipeline stays DELETING until REMOVE succeeded.
 */
export type PipelineDeletePhase = 'PREPARE' | 'REMOVE';

/** The delete phase an operation runs, when it runs one (see PipelineDeletePhase). */
export function deletePhaseOf(operation: Pick<Operation, 'input'>): PipelineDeletePhase | undefined {
  const input = operation.input as Partial<PipelineOperationInput> | null;
  if (input?.desiredState !== PipelineState.DELETED || input.deleteTopics !== true) return undefined;
  return input.phase === 'PREPARE' || input.phase === 'REMOVE' ? input.phase : undefined;
}

/**
 * Whether the pipeline's stack already went through PREPARE (its topics are no longer retained and it has
 * no stages), judged by its latest operation: a REMOVE (queued, running or failed), or a PREPARE that
 * succeeded. A delete that resumes starts from REMOVE then, and other runs keep the pipeline that way.
 */
export function preparedForRemoval(latest: Pick<Operation, 'input' | 'status'> | null | undefined): boolean {
  if (!latest) return false;
  const phase = deletePhaseOf(latest);
  return phase === 'REMOVE' || (phase === 'PREPARE' && latest.status === 'SUCCEEDED');
}

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

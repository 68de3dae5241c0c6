import { Badge, Loader } from '@mantine/core';
import type { PipelineStatus } from '../generated/graphql';

const PIPELINE_STATUS: Record<PipelineStatus, { color: string; label: string; busy: boolean }> = {
  DRAFT: { color: 'gray', label: 'Draft', busy: false },
  DEPLOYING: { color: 'blue', label: 'Deploying', busy: true },
  RUNNING: { color: 'teal', label: 'Running', busy: false },
  PAUSING: { color: 'blue', label: 'Pausing', busy: true },
  PAUSED: { color: 'yellow', label: 'Paused', busy: false },
  RESUMING: { color: 'blue', label: 'Resuming', busy: true },
  UPDATING: { color: 'blue', label: 'Updating', busy: true },
  DELETING: { color: 'orange', label: 'Deleting', busy: true },
  DELETED: { color: 'gray', label: 'Deleted', busy: false },
  FAILED: { color: 'red', label: 'Failed', busy: false },
};

/** Whether a change of the pipeline is under way (its operation is queued or running). */
export function isPipelineBusy(status: PipelineStatus): boolean {
  return PIPELINE_STATUS[status].busy;
}

export function PipelineStatusBadge({ status }: { status: PipelineStatus }) {
  const { color, label, busy } = PIPELINE_STATUS[status];
  return (
    <Badge
      color={color}
      variant={status === 'RUNNING' ? 'filled' : 'light'}
      leftSection={busy ? <Loader size={10} color={color} aria-hidden /> : undefined}
      data-testid="pipeline-status"
      data-status={status}
    >
      {label}
    </Badge>
  );
}

const STAGE_STATE_COLOR: Record<string, string> = {
  RUNNING: 'teal',
  PAUSED: 'gray',
  STALLED: 'yellow',
  ERROR: 'red',
};

/** A stage's state as its latest checkpoint reported it. */
export function StageStateBadge({ state }: { state: string | undefined }) {
  if (!state)
    return (
      <Badge color="gray" variant="outline" size="sm">
        no report yet
      </Badge>
    );
  return (
    <Badge color={STAGE_STATE_COLOR[state] ?? 'gray'} variant="light" size="sm" data-state={state}>
      {state.toLowerCase()}
    </Badge>
  );
}

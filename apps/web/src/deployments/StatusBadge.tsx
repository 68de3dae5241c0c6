import { Badge, Loader, Tooltip } from '@mantine/core';
import { IconFlask } from '@tabler/icons-react';
import type { DeploymentStatus, OperationStatus } from '../generated/graphql';

const DEPLOYMENT_STATUS: Record<DeploymentStatus, { color: string; label: string; busy: boolean }> = {
  PENDING: { color: 'gray', label: 'Pending', busy: true },
  PROVISIONING: { color: 'blue', label: 'Provisioning', busy: true },
  RUNNING: { color: 'teal', label: 'Running', busy: false },
  UPDATING: { color: 'blue', label: 'Updating', busy: true },
  FAILED: { color: 'red', label: 'Failed', busy: false },
  DESTROYING: { color: 'orange', label: 'Destroying', busy: true },
  DESTROYED: { color: 'gray', label: 'Destroyed', busy: false },
};

export function isBusy(status: DeploymentStatus): boolean {
  return DEPLOYMENT_STATUS[status].busy;
}

export function DeploymentStatusBadge({ status }: { status: DeploymentStatus }) {
  const { color, label, busy } = DEPLOYMENT_STATUS[status];
  return (
    <Badge
      color={color}
      variant={status === 'RUNNING' ? 'filled' : 'light'}
      leftSection={busy ? <Loader size={10} color={color} aria-hidden /> : undefined}
      data-testid="deployment-status"
      data-status={status}
    >
      {label}
    </Badge>
  );
}

const OPERATION_STATUS: Record<OperationStatus, string> = {
  QUEUED: 'gray',
  RUNNING: 'blue',
  SUCCEEDED: 'teal',
  FAILED: 'red',
  CANCELLED: 'orange',
};

export function OperationStatusBadge({ status }: { status: OperationStatus }) {
  return (
    <Badge color={OPERATION_STATUS[status]} variant="light" size="sm" data-status={status}>
      {status.toLowerCase()}
    </Badge>
  );
}

/**
 * The mark of the local engine: nothing behind this deployment exists in any cloud. Shown wherever a
 * local deployment (or a check the local engine made) appears.
 */
export function SimulatedBadge({ what = 'deployment' }: { what?: string }) {
  return (
    <Tooltip
      multiline
      w={260}
      withArrow
      label={`Simulated by the local engine: this ${what} exists in no cloud. Nothing was created and nothing is billed by a cloud provider.`}
    >
      <Badge color="grape" variant="light" leftSection={<IconFlask size={12} aria-hidden />} tabIndex={0}>
        Simulated
      </Badge>
    </Tooltip>
  );
}

export const CLOUD_LABEL = { AWS: 'AWS', AZURE: 'Azure' } as const;

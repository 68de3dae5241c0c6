import { ReplicationLinkStatus, type Operation } from '@streamplane/db';
import { replicationInputOf, type ReplicationAction } from '../spec/replication-link-spec';

/** The link's status while an action's operations run. */
export function inProgressStatusOf(action: ReplicationAction): ReplicationLinkStatus {
  switch (action) {
    case 'CREATE':
      return ReplicationLinkStatus.CREATING;
    case 'UPDATE':
      return ReplicationLinkStatus.UPDATING;
    case 'DELETE':
      return ReplicationLinkStatus.DELETING;
    case 'FAILOVER':
      return ReplicationLinkStatus.FAILING_OVER;
    case 'FAILBACK_REVERSE':
    case 'FAILBACK_RESTORE':
    case 'RESUME':
      return ReplicationLinkStatus.FAILING_BACK;
  }
}

/**
 * The link's status once every operation of the action succeeded. A reversed failback rests in FAILING_BACK:
 * mirroring runs back into the old primary until it has caught up and the customer completes the failback.
 */
export function settledStatusOf(action: ReplicationAction): ReplicationLinkStatus {
  switch (action) {
    case 'CREATE':
    case 'UPDATE':
    case 'FAILBACK_RESTORE':
    case 'RESUME':
      return ReplicationLinkStatus.ACTIVE;
    case 'FAILOVER':
      return ReplicationLinkStatus.FAILED_OVER;
    case 'FAILBACK_REVERSE':
      return ReplicationLinkStatus.FAILING_BACK;
    case 'DELETE':
      return ReplicationLinkStatus.DELETED;
  }
}

/** Statuses in which operations are (or should be) on the way. */
export const IN_PROGRESS: readonly ReplicationLinkStatus[] = [
  ReplicationLinkStatus.CREATING,
  ReplicationLinkStatus.UPDATING,
  ReplicationLinkStatus.FAILING_OVER,
  ReplicationLinkStatus.DELETING,
];

/** The link a REPLICATION operation applies: the column, or (a retry made by the deployments' retry) its input. */
export function replicationLinkIdOf(operation: Operation): string | undefined {
  if (operation.type !== 'REPLICATION') return undefined;
  return operation.replicationLinkId ?? replicationInputOf(operation.input)?.linkId;
}

/**
 * Live status, as published on Redis pub/sub by whoever changes a deployment (the provisioner as it runs an
 * operation, the api when it accepts one) and delivered to GraphQL subscribers by any api replica.
 * Every message carries its organization: subscribers are filtered by the subscriber's organization.
 * Facts are committed to PostgreSQL first; these messages are notifications and may be lost (a client
 * re-reads the deployment on reconnect).
 */
export type DeploymentStatus =
  'PENDING' | 'PROVISIONING' | 'RUNNING' | 'UPDATING' | 'FAILED' | 'DESTROYING' | 'DESTROYED';

export type OperationStatus = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

interface EventBase {
  orgId: string;
  deploymentId: string;
  /** ISO-8601 time the fact was committed. */
  at: string;
}

/** A deployment's status (or outputs) changed. Feeds both the per-deployment and the org-wide streams. */
export interface DeploymentStatusChanged extends EventBase {
  kind: 'DEPLOYMENT_STATUS';
  status: DeploymentStatus;
  generation: number;
  observedGeneration: number;
  message: string | null;
}

/** An operation was queued, started, finished, failed or was cancelled. */
export interface OperationChanged extends EventBase {
  kind: 'OPERATION';
  operationId: string;
  type: 'CREATE' | 'UPDATE' | 'UPGRADE' | 'SCALE' | 'DESTROY' | 'PREVIEW' | 'PIPELINE' | 'REPLICATION';
  status: OperationStatus;
  attempt: number;
  error: string | null;
}

/** One resource of the running operation moved (waiting → creating → created, or failed). */
export interface ResourceProgress extends EventBase {
  kind: 'RESOURCE';
  operationId: string;
  sequence: number;
  urn: string;
  type: string;
  name: string;
  operation: string;
  state: 'pending' | 'in_progress' | 'succeeded' | 'failed';
  message: string | null;
}

export type DeploymentEvent = DeploymentStatusChanged | OperationChanged | ResourceProgress;

/** Redis channel per organization: one PSUBSCRIBE-free SUBSCRIBE per org a replica serves. */
export function deploymentEventsChannel(orgId: string): string {
  return `deployments:events:${orgId}`;
}

import { registerEnumType } from '@nestjs/graphql';
import {
  ActorType,
  ApiTokenScope,
  CloudAccountStatus,
  CloudProvider,
  DeploymentStatus,
  OperationStatus,
  OperationType,
  Role,
  UpgradeProposalState,
} from '@streamplane/db';

registerEnumType(Role, { name: 'Role', description: 'OWNER > ADMIN > MEMBER > VIEWER. VIEWERs only read.' });
registerEnumType(ApiTokenScope, {
  name: 'ApiTokenScope',
  description:
    'READ acts as a VIEWER, WRITE as a MEMBER, ADMIN as an ADMIN — never above the creator’s own role.',
});
registerEnumType(ActorType, { name: 'ActorType' });
registerEnumType(CloudProvider, { name: 'CloudProvider' });
registerEnumType(CloudAccountStatus, {
  name: 'CloudAccountStatus',
  description: 'The outcome of the last verification; PENDING until the first one.',
});

// Deployments: registered once here, shared by the deployment queries and the live-status subscriptions.
registerEnumType(DeploymentStatus, {
  name: 'DeploymentStatus',
  description:
    'PENDING → PROVISIONING → RUNNING; RUNNING → UPDATING → RUNNING; any step may end in FAILED (retryable); ' +
    'RUNNING | FAILED → DESTROYING → DESTROYED.',
});
registerEnumType(OperationType, { name: 'OperationType' });
registerEnumType(OperationStatus, { name: 'OperationStatus' });
registerEnumType(UpgradeProposalState, {
  name: 'UpgradeProposalState',
  description: 'PROPOSED → SCHEDULED (approved with a window) → DONE; or DECLINED, or EXPIRED unanswered.',
});

export {
  ActorType,
  ApiTokenScope,
  CloudAccountStatus,
  CloudProvider,
  DeploymentStatus,
  OperationStatus,
  OperationType,
  Role,
  UpgradeProposalState,
};

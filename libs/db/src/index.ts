export * from './db.module';
export * from './prisma.service';
export * from './redis.service';
export * from './migrations/migrate';
export { Prisma } from './generated/prisma/client';
export type {
  ApiToken,
  AuditLog,
  CloudAccount,
  Deployment,
  Invitation,
  Membership,
  Operation,
  Organization,
  ResourceEvent,
  Session,
  UpgradeProposal,
  User,
} from './generated/prisma/client';
export {
  ActorType,
  ApiTokenScope,
  CloudAccountStatus,
  CloudProvider,
  DeploymentStatus,
  KafkaClientAuthentication,
  OperationStatus,
  OperationType,
  Role,
  StackEngineKind,
  UpgradeProposalState,
} from './generated/prisma/enums';

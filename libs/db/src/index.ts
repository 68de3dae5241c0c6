export * from './db.module';
export * from './prisma.service';
export * from './redis.service';
export * from './redis/newest-wins-hash';
export * from './migrations/migrate';
export { Prisma } from './generated/prisma/client';
export type {
  ApiToken,
  AuditLog,
  CloudAccount,
  CreditBurn,
  CreditGrant,
  Deployment,
  Invitation,
  Invoice,
  InvoiceLine,
  Membership,
  Notification,
  Operation,
  Organization,
  Pipeline,
  ReplicationLink,
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
  InvoiceStatus,
  KafkaClientAuthentication,
  NotificationKind,
  OperationStatus,
  OperationType,
  PipelineState,
  PipelineStatus,
  ReplicationLinkStatus,
  ReplicationMode,
  ReplicationTopicNaming,
  Role,
  StackEngineKind,
  UpgradeProposalState,
} from './generated/prisma/enums';

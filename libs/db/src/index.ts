export * from './db.module';
export * from './prisma.service';
export * from './redis.service';
export * from './migrations/migrate';
export { Prisma } from './generated/prisma/client';
export type {
  ApiToken,
  AuditLog,
  CloudAccount,
  Invitation,
  Membership,
  Organization,
  Session,
  User,
} from './generated/prisma/client';
export { ActorType, ApiTokenScope, CloudAccountStatus, CloudProvider, Role } from './generated/prisma/enums';

export * from './db.module';
export * from './prisma.service';
export * from './redis.service';
export * from './migrations/migrate';
export { Prisma } from './generated/prisma/client';
export type {
  ApiToken,
  AuditLog,
  Invitation,
  Membership,
  Organization,
  Session,
  User,
} from './generated/prisma/client';
export { ActorType, ApiTokenScope, Role } from './generated/prisma/enums';

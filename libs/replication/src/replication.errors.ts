import { DomainError, ErrorKind, type FieldProblem } from '@streamplane/errors';

export enum ReplicationErrorCode {
  INVALID_REPLICATION_LINK = 'INVALID_REPLICATION_LINK',
  INVALID_TOPIC_PATTERN = 'INVALID_TOPIC_PATTERN',
  SAME_DEPLOYMENT = 'SAME_DEPLOYMENT',
  SAME_REGION = 'SAME_REGION',
  DEPLOYMENT_NOT_RUNNING = 'DEPLOYMENT_NOT_RUNNING',
  EXTERNAL_LISTENER_REQUIRED = 'EXTERNAL_LISTENER_REQUIRED',
  SCRAM_REQUIRED = 'SCRAM_REQUIRED',
  IDENTITY_NAMING_ONE_WAY_ONLY = 'IDENTITY_NAMING_ONE_WAY_ONLY',
  LINK_EXISTS = 'LINK_EXISTS',
  LINK_NOT_FOUND = 'LINK_NOT_FOUND',
  LINK_BUSY = 'LINK_BUSY',
  LINK_NOT_CHANGEABLE = 'LINK_NOT_CHANGEABLE',
  NOTHING_TO_CHANGE = 'NOTHING_TO_CHANGE',
  FAILOVER_PRECHECKS_FAILED = 'FAILOVER_PRECHECKS_FAILED',
  DEPLOYMENT_HAS_REPLICATION_LINKS = 'DEPLOYMENT_HAS_REPLICATION_LINKS',
}

// A Record over the enum: a new code without a kind does not compile.
const KIND: Record<ReplicationErrorCode, ErrorKind> = {
  INVALID_REPLICATION_LINK: ErrorKind.BAD_USER_INPUT,
  INVALID_TOPIC_PATTERN: ErrorKind.BAD_USER_INPUT,
  SAME_DEPLOYMENT: ErrorKind.BAD_USER_INPUT,
  SAME_REGION: ErrorKind.BAD_USER_INPUT,
  DEPLOYMENT_NOT_RUNNING: ErrorKind.CONFLICT,
  EXTERNAL_LISTENER_REQUIRED: ErrorKind.CONFLICT,
  SCRAM_REQUIRED: ErrorKind.CONFLICT,
  IDENTITY_NAMING_ONE_WAY_ONLY: ErrorKind.BAD_USER_INPUT,
  LINK_EXISTS: ErrorKind.CONFLICT,
  LINK_NOT_FOUND: ErrorKind.NOT_FOUND,
  LINK_BUSY: ErrorKind.CONFLICT,
  LINK_NOT_CHANGEABLE: ErrorKind.CONFLICT,
  NOTHING_TO_CHANGE: ErrorKind.BAD_USER_INPUT,
  FAILOVER_PRECHECKS_FAILED: ErrorKind.CONFLICT,
  DEPLOYMENT_HAS_REPLICATION_LINKS: ErrorKind.CONFLICT,
};

export class ReplicationError extends DomainError {
  constructor(code: ReplicationErrorCode, message: string, fields?: FieldProblem[]) {
    super(KIND[code], code, message, fields ? { fields } : {});
    this.name = 'ReplicationError';
  }
}

export function linkNotFound(): ReplicationError {
  return new ReplicationError(
    ReplicationErrorCode.LINK_NOT_FOUND,
    'No such replication link in this organization.',
  );
}

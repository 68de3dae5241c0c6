import { DomainError, ErrorKind } from '@streamplane/errors';

export enum OrgErrorCode {
  ORGANIZATION_NOT_FOUND = 'ORGANIZATION_NOT_FOUND',
  MEMBER_NOT_FOUND = 'MEMBER_NOT_FOUND',
  INVITATION_NOT_FOUND = 'INVITATION_NOT_FOUND',
  INVITATION_EXPIRED = 'INVITATION_EXPIRED',
  INVITATION_NOT_FOR_YOU = 'INVITATION_NOT_FOR_YOU',
  ALREADY_MEMBER = 'ALREADY_MEMBER',
  LAST_OWNER = 'LAST_OWNER',
  OWNER_ONLY = 'OWNER_ONLY',
  INSUFFICIENT_ROLE = 'INSUFFICIENT_ROLE',
}

const KIND: Record<OrgErrorCode, ErrorKind> = {
  ORGANIZATION_NOT_FOUND: ErrorKind.NOT_FOUND,
  MEMBER_NOT_FOUND: ErrorKind.NOT_FOUND,
  INVITATION_NOT_FOUND: ErrorKind.NOT_FOUND,
  INVITATION_EXPIRED: ErrorKind.CONFLICT,
  INVITATION_NOT_FOR_YOU: ErrorKind.FORBIDDEN,
  ALREADY_MEMBER: ErrorKind.CONFLICT,
  LAST_OWNER: ErrorKind.CONFLICT,
  OWNER_ONLY: ErrorKind.FORBIDDEN,
  INSUFFICIENT_ROLE: ErrorKind.FORBIDDEN,
};

export class OrgError extends DomainError {
  constructor(code: OrgErrorCode, message: string) {
    super(KIND[code], code, message);
    this.name = 'OrgError';
  }
}

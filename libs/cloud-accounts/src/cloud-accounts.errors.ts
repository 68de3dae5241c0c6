import { DomainError, ErrorKind, type FieldProblem } from '@streamplane/errors';

export enum CloudAccountErrorCode {
  CLOUD_ACCOUNT_NOT_FOUND = 'CLOUD_ACCOUNT_NOT_FOUND',
  CLOUD_ACCOUNT_NAME_TAKEN = 'CLOUD_ACCOUNT_NAME_TAKEN',
  CLOUD_ACCOUNT_IN_USE = 'CLOUD_ACCOUNT_IN_USE',
}

const KIND: Record<CloudAccountErrorCode, ErrorKind> = {
  CLOUD_ACCOUNT_NOT_FOUND: ErrorKind.NOT_FOUND,
  CLOUD_ACCOUNT_NAME_TAKEN: ErrorKind.CONFLICT,
  CLOUD_ACCOUNT_IN_USE: ErrorKind.CONFLICT,
};

export class CloudAccountError extends DomainError {
  constructor(code: CloudAccountErrorCode, message: string, fields?: FieldProblem[]) {
    super(KIND[code], code, message, fields ? { fields } : {});
    this.name = 'CloudAccountError';
  }
}

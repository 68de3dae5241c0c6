import { DomainError, ErrorKind, type FieldProblem } from '@streamplane/errors';

export enum UsageQueryErrorCode {
  /** `from` is not before `to`, or a bound is outside the years the api answers for. */
  INVALID_RANGE = 'INVALID_RANGE',
  /** Longer than the granularity allows (31 days at HOUR, 400 days at DAY and MONTH). */
  RANGE_TOO_LONG = 'RANGE_TOO_LONG',
  UNKNOWN_DIMENSION = 'UNKNOWN_DIMENSION',
  /** More points than one GraphQL answer carries: filter, coarsen, or export CSV. */
  TOO_MANY_POINTS = 'TOO_MANY_POINTS',
  /** No such deployment in the caller's organization (another organization's looks the same). */
  DEPLOYMENT_NOT_FOUND = 'DEPLOYMENT_NOT_FOUND',
}

// A Record over the enum: a new code without a kind does not compile.
const KIND: Record<UsageQueryErrorCode, ErrorKind> = {
  INVALID_RANGE: ErrorKind.BAD_USER_INPUT,
  RANGE_TOO_LONG: ErrorKind.BAD_USER_INPUT,
  UNKNOWN_DIMENSION: ErrorKind.BAD_USER_INPUT,
  TOO_MANY_POINTS: ErrorKind.BAD_USER_INPUT,
  DEPLOYMENT_NOT_FOUND: ErrorKind.NOT_FOUND,
};

export class UsageQueryError extends DomainError {
  constructor(code: UsageQueryErrorCode, message: string, fields?: FieldProblem[]) {
    super(KIND[code], code, message, fields ? { fields } : {});
    this.name = 'UsageQueryError';
  }
}

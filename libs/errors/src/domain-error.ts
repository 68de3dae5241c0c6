/**
 * Every error a user can cause is a DomainError: a `kind` that decides the transport status
 * (GraphQL `extensions.code`, HTTP status) and a domain-specific `reason` code the client can branch on.
 * Anything else that escapes is a bug and is reported as INTERNAL, with details only in the log.
 */
export enum ErrorKind {
  BAD_USER_INPUT = 'BAD_USER_INPUT',
  UNAUTHENTICATED = 'UNAUTHENTICATED',
  FORBIDDEN = 'FORBIDDEN',
  NOT_FOUND = 'NOT_FOUND',
  CONFLICT = 'CONFLICT',
  PAYLOAD_TOO_LARGE = 'PAYLOAD_TOO_LARGE',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED = 'RATE_LIMITED',
  /** Our own stores are overloaded or unreachable for a moment: nothing was written; try again. */
  UNAVAILABLE = 'UNAVAILABLE',
  INTERNAL = 'INTERNAL',
}

export interface FieldProblem {
  field: string;
  message: string;
  /** A domain-specific code for this one problem, when an error lists several (e.g. `UNKNOWN_REGION`). */
  code?: string;
}

export class DomainError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    message: string,
    readonly details: { fields?: FieldProblem[]; retryAfterSeconds?: number } = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export function assertNever(value: never): never {
  throw new Error(`Unhandled value: ${String(value)}`);
}

export function httpStatusOf(kind: ErrorKind): number {
  switch (kind) {
    case ErrorKind.BAD_USER_INPUT:
      return 400;
    case ErrorKind.UNAUTHENTICATED:
      return 401;
    case ErrorKind.FORBIDDEN:
      return 403;
    case ErrorKind.NOT_FOUND:
      return 404;
    case ErrorKind.CONFLICT:
      return 409;
    case ErrorKind.PAYLOAD_TOO_LARGE:
      return 413;
    case ErrorKind.UNSUPPORTED_MEDIA_TYPE:
      return 415;
    case ErrorKind.RATE_LIMITED:
      return 429;
    case ErrorKind.UNAVAILABLE:
      return 503;
    case ErrorKind.INTERNAL:
      return 500;
    default:
      return assertNever(kind);
  }
}

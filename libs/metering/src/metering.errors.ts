import { DomainError, ErrorKind } from '@streamplane/errors';

export enum MeteringErrorCode {
  /** No `Authorization: Bearer sp_agt_…` header, or a token that is not shaped like an agent token. */
  AGENT_TOKEN_MISSING = 'AGENT_TOKEN_MISSING',
  /** Shaped like one, but no such token (or the secret does not match). */
  AGENT_TOKEN_INVALID = 'AGENT_TOKEN_INVALID',
  /** Replaced by a newer token and past its grace period. */
  AGENT_TOKEN_EXPIRED = 'AGENT_TOKEN_EXPIRED',
  AGENT_TOKEN_REVOKED = 'AGENT_TOKEN_REVOKED',
  DEPLOYMENT_NOT_FOUND = 'DEPLOYMENT_NOT_FOUND',
  INVALID_OPTIONS = 'INVALID_OPTIONS',
  /** The body is not JSON. */
  MALFORMED_JSON = 'MALFORMED_JSON',
  /** A batch that is not a JSON array (or a single event that is not a JSON object), or an empty one. */
  INVALID_BATCH = 'INVALID_BATCH',
  TOO_MANY_EVENTS = 'TOO_MANY_EVENTS',
  UNSUPPORTED_MEDIA_TYPE = 'UNSUPPORTED_MEDIA_TYPE',
  RATE_LIMITED = 'RATE_LIMITED',
}

// A Record over the enum: adding a code without deciding its kind does not compile.
const KIND: Record<MeteringErrorCode, ErrorKind> = {
  AGENT_TOKEN_MISSING: ErrorKind.UNAUTHENTICATED,
  AGENT_TOKEN_INVALID: ErrorKind.UNAUTHENTICATED,
  AGENT_TOKEN_EXPIRED: ErrorKind.UNAUTHENTICATED,
  AGENT_TOKEN_REVOKED: ErrorKind.UNAUTHENTICATED,
  DEPLOYMENT_NOT_FOUND: ErrorKind.NOT_FOUND,
  INVALID_OPTIONS: ErrorKind.BAD_USER_INPUT,
  MALFORMED_JSON: ErrorKind.BAD_USER_INPUT,
  INVALID_BATCH: ErrorKind.BAD_USER_INPUT,
  TOO_MANY_EVENTS: ErrorKind.PAYLOAD_TOO_LARGE,
  UNSUPPORTED_MEDIA_TYPE: ErrorKind.UNSUPPORTED_MEDIA_TYPE,
  RATE_LIMITED: ErrorKind.RATE_LIMITED,
};

export class MeteringError extends DomainError {
  constructor(code: MeteringErrorCode, message: string, details: DomainError['details'] = {}) {
    super(KIND[code], code, message, details);
    this.name = 'MeteringError';
  }
}

import { DomainError, ErrorKind } from '@streamplane/errors';

/**
 * Why a stack operation did not finish. The provisioner branches on `code` and `retryable`:
 * a retryable error is retried with backoff by the same operation; anything else ends the operation as
 * FAILED until a person (or `retryOperation`) starts it again.
 */
export enum ProvisioningErrorCode {
  /** Another update of this stack is running (Pulumi Cloud 409, or a live run in this process). Retry later. */
  CONCURRENT_UPDATE = 'CONCURRENT_UPDATE',
  /**
   * The stack is locked by a run that is not known to be alive (DIY backend lock file, local engine lock).
   * Retry with `previousRunInterrupted: true` once the caller's deployment lease proves the holder is gone.
   */
  STACK_LOCKED = 'STACK_LOCKED',
  /**
   * The stack has operations an interrupted run left pending. Like STACK_LOCKED: cleared only on a run with
   * `previousRunInterrupted: true`.
   */
  PENDING_OPERATIONS = 'PENDING_OPERATIONS',
  /** `destroy`/`refresh` of a stack that was never created. */
  STACK_NOT_FOUND = 'STACK_NOT_FOUND',
  /** The caller's AbortSignal fired; the engine stopped at a consistent point. */
  CANCELLED = 'CANCELLED',
  /** A cloud resource failed to create, update or delete; `resource` names it. Retryable when transient. */
  RESOURCE_FAILED = 'RESOURCE_FAILED',
  /** The cloud did not accept the credentials (wrong secret, unknown client, expired token). */
  CREDENTIALS_REJECTED = 'CREDENTIALS_REJECTED',
  /** The credentials are valid but lack a permission the program needs (the granted role is too narrow). */
  PERMISSION_DENIED = 'PERMISSION_DENIED',
  /** The program itself failed (an exception while building the resource graph): a bug, not the cloud. */
  PROGRAM_ERROR = 'PROGRAM_ERROR',
  /** The request cannot run as given (bad stack name, credentials for the wrong cloud). */
  INVALID_REQUEST = 'INVALID_REQUEST',
  /** The engine could not be reached or started: Pulumi CLI or plugin missing, state backend unreachable. */
  ENGINE_UNAVAILABLE = 'ENGINE_UNAVAILABLE',
  /** The engine's run process died without reporting a result (OOM kill, crash). */
  ENGINE_CRASHED = 'ENGINE_CRASHED',
  /** The engine failed in a way none of the above describes; a person should look before it is retried. */
  ENGINE_ERROR = 'ENGINE_ERROR',
}

const KIND: Record<ProvisioningErrorCode, ErrorKind> = {
  CONCURRENT_UPDATE: ErrorKind.CONFLICT,
  STACK_LOCKED: ErrorKind.CONFLICT,
  PENDING_OPERATIONS: ErrorKind.CONFLICT,
  STACK_NOT_FOUND: ErrorKind.NOT_FOUND,
  CANCELLED: ErrorKind.CONFLICT,
  RESOURCE_FAILED: ErrorKind.INTERNAL,
  CREDENTIALS_REJECTED: ErrorKind.BAD_USER_INPUT,
  PERMISSION_DENIED: ErrorKind.BAD_USER_INPUT,
  PROGRAM_ERROR: ErrorKind.INTERNAL,
  INVALID_REQUEST: ErrorKind.BAD_USER_INPUT,
  ENGINE_UNAVAILABLE: ErrorKind.INTERNAL,
  ENGINE_CRASHED: ErrorKind.INTERNAL,
  ENGINE_ERROR: ErrorKind.INTERNAL,
};

/**
 * Whether retrying the same request later can succeed without anyone changing anything. Codes whose answer
 * depends on the failure (a throttled API vs. an invalid property) take `retryable` from the constructor.
 */
const RETRYABLE_BY_DEFAULT: Record<ProvisioningErrorCode, boolean> = {
  CONCURRENT_UPDATE: true,
  STACK_LOCKED: true,
  PENDING_OPERATIONS: true,
  STACK_NOT_FOUND: false,
  CANCELLED: false,
  RESOURCE_FAILED: false,
  CREDENTIALS_REJECTED: false,
  PERMISSION_DENIED: false,
  PROGRAM_ERROR: false,
  INVALID_REQUEST: false,
  ENGINE_UNAVAILABLE: true,
  ENGINE_CRASHED: true,
  ENGINE_ERROR: false,
};

/** The resource an error is about (RESOURCE_FAILED). */
export interface FailedResource {
  urn: string;
  type: string;
  name: string;
  message: string;
}

export interface ProvisioningErrorOptions {
  retryable?: boolean;
  /** The first resource that failed (RESOURCE_FAILED). */
  resource?: FailedResource;
  /** Every resource that failed in the run (more than one with `continueOnError`). */
  failedResources?: FailedResource[];
  cause?: unknown;
}

export class ProvisioningError extends DomainError {
  readonly code: ProvisioningErrorCode;
  readonly retryable: boolean;
  readonly resource?: FailedResource;
  readonly failedResources: FailedResource[];

  constructor(code: ProvisioningErrorCode, message: string, options: ProvisioningErrorOptions = {}) {
    super(KIND[code], code, message);
    this.name = 'ProvisioningError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT[code];
    this.resource = options.resource ?? options.failedResources?.[0];
    this.failedResources = options.failedResources ?? (options.resource ? [options.resource] : []);
    if (options.cause !== undefined) this.cause = options.cause;
  }

  static isProvisioningError(error: unknown): error is ProvisioningError {
    return error instanceof ProvisioningError;
  }

  /** A plain object that survives IPC and JSON (no cause, no stack). */
  toJSON(): SerializedProvisioningError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.failedResources.length > 0 ? { failedResources: this.failedResources } : {}),
    };
  }

  static fromJSON(value: SerializedProvisioningError): ProvisioningError {
    const code = isProvisioningErrorCode(value.code) ? value.code : ProvisioningErrorCode.ENGINE_CRASHED;
    return new ProvisioningError(code, value.message, {
      retryable: value.retryable,
      failedResources: value.failedResources,
    });
  }
}

export interface SerializedProvisioningError {
  code: string;
  message: string;
  retryable: boolean;
  failedResources?: FailedResource[];
}

export function isProvisioningErrorCode(value: string): value is ProvisioningErrorCode {
  return Object.prototype.hasOwnProperty.call(KIND, value);
}

export function cancelledError(what = 'The operation'): ProvisioningError {
  return new ProvisioningError(ProvisioningErrorCode.CANCELLED, `${what} was cancelled`);
}

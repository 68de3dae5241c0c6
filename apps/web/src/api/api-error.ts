import type { CombinedError } from 'urql';

/** One field's problem, as the api lists them (`extensions.fields` / `error.fields`). */
export interface FieldProblem {
  field: string;
  message: string;
  code?: string;
}

/**
 * An error the api answered with: `code` is the kind (BAD_USER_INPUT, FORBIDDEN, …), `reason` the domain's
 * own code (EMAIL_TAKEN, DEPLOYMENT_NAME_TAKEN, …) a view can branch on.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly reason: string,
    message: string,
    readonly requestId?: string,
    readonly fields: FieldProblem[] = [],
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  withRetryAfter(seconds: number): ApiError {
    return new ApiError(this.code, this.reason, this.message, this.requestId, this.fields, seconds);
  }

  /** A network failure, or an answer that is not the api's error shape. */
  static unreachable(detail: string): ApiError {
    return new ApiError('NETWORK', 'NETWORK', detail);
  }
}

interface ErrorExtensions {
  code?: unknown;
  reason?: unknown;
  requestId?: unknown;
  fields?: unknown;
  retryAfterSeconds?: unknown;
}

function fieldsOf(value: unknown): FieldProblem[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: unknown) => {
    if (typeof item !== 'object' || item === null) return [];
    const { field, message, code } = item as Record<string, unknown>;
    if (typeof field !== 'string' || typeof message !== 'string') return [];
    return [{ field, message, ...(typeof code === 'string' ? { code } : {}) }];
  });
}

function fromExtensions(message: string, extensions: ErrorExtensions | undefined): ApiError {
  const code = typeof extensions?.code === 'string' ? extensions.code : 'INTERNAL';
  const reason = typeof extensions?.reason === 'string' ? extensions.reason : code;
  return new ApiError(
    code,
    reason,
    message,
    typeof extensions?.requestId === 'string' ? extensions.requestId : undefined,
    fieldsOf(extensions?.fields),
    typeof extensions?.retryAfterSeconds === 'number' ? extensions.retryAfterSeconds : undefined,
  );
}

/** The api's REST error body: `{ error: { code, reason, message, requestId, fields? } }`. */
export function apiErrorFromRest(status: number, body: unknown): ApiError {
  const error = (body as { error?: Record<string, unknown> } | undefined)?.error;
  if (!error || typeof error.message !== 'string') {
    return new ApiError(
      status >= 500 ? 'INTERNAL' : 'UNKNOWN',
      'HTTP_' + status,
      `The api answered ${status}.`,
    );
  }
  return fromExtensions(error.message, error);
}

/** The first error of a urql result: a GraphQL error with its extensions, or the network failure. */
export function apiErrorFromCombined(error: CombinedError): ApiError {
  const first = error.graphQLErrors[0];
  if (first) return fromExtensions(first.message, first.extensions);
  return ApiError.unreachable(error.networkError?.message ?? error.message);
}

/** Anything caught while talking to the api, as an ApiError. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (typeof error === 'object' && error !== null && 'graphQLErrors' in error) {
    return apiErrorFromCombined(error as CombinedError);
  }
  return ApiError.unreachable(error instanceof Error ? error.message : String(error));
}

import { Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorKind,
  httpStatusOf,
  isTransientStoreError,
  storeUnavailable,
} from '@streamplane/errors';
import { GraphQLError, type ExecutionResult } from 'graphql';

const logger = new Logger('Errors');

export interface ErrorBody {
  error: {
    code: ErrorKind;
    reason: string;
    message: string;
    requestId: string;
    fields?: { field: string; message: string }[];
  };
}

/** Fastify's own errors (body parsing, limits) mapped to our kinds. */
const FASTIFY_ERRORS: Record<string, { kind: ErrorKind; reason: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    kind: ErrorKind.BAD_USER_INPUT,
    reason: 'MALFORMED_JSON',
    message: 'The body is not valid JSON.',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    kind: ErrorKind.BAD_USER_INPUT,
    reason: 'EMPTY_BODY',
    message: 'The body is empty; send a JSON object.',
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    kind: ErrorKind.PAYLOAD_TOO_LARGE,
    reason: 'BODY_TOO_LARGE',
    message: 'The body is too large.',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    kind: ErrorKind.UNSUPPORTED_MEDIA_TYPE,
    reason: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Send the body as application/json.',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    kind: ErrorKind.BAD_USER_INPUT,
    reason: 'BAD_CONTENT_LENGTH',
    message: 'Content-Length does not match the body.',
  },
};

function fastifyErrorOf(error: unknown) {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? FASTIFY_ERRORS[code] : undefined;
}

/** Any error → the one response shape. Unknown errors are logged with their stack and never described. */
export function toErrorBody(
  error: unknown,
  requestId: string,
): { status: number; body: ErrorBody; retryAfter?: number } {
  if (isTransientStoreError(error)) {
    logger.warn({ err: error, requestId }, 'store busy or unreachable; answered 503');
    return toErrorBody(storeUnavailable(), requestId);
  }
  if (error instanceof DomainError) {
    return {
      status: httpStatusOf(error.kind),
      retryAfter: error.details.retryAfterSeconds,
      body: {
        error: {
          code: error.kind,
          reason: error.reason,
          message: error.message,
          requestId,
          fields: error.details.fields,
        },
      },
    };
  }
  const known = fastifyErrorOf(error);
  if (known) {
    return {
      status: httpStatusOf(known.kind),
      body: { error: { code: known.kind, reason: known.reason, message: known.message, requestId } },
    };
  }
  const status =
    (error as { statusCode?: unknown; status?: unknown }).statusCode ??
    (error as { status?: unknown }).status;
  if (status === 404) {
    return {
      status: 404,
      body: {
        error: {
          code: ErrorKind.NOT_FOUND,
          reason: 'ROUTE_NOT_FOUND',
          message: 'No such endpoint.',
          requestId,
        },
      },
    };
  }
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return {
      status,
      body: {
        error: {
          code: ErrorKind.BAD_USER_INPUT,
          reason: 'BAD_REQUEST',
          message: 'The request could not be understood.',
          requestId,
        },
      },
    };
  }
  logger.error({ err: error, requestId }, 'unhandled error');
  return {
    status: 500,
    body: {
      error: {
        code: ErrorKind.INTERNAL,
        reason: 'INTERNAL',
        message: `Something went wrong on our side. Quote request id ${requestId} to support.`,
        requestId,
      },
    },
  };
}

/** GraphQL errors carry the same information in `extensions`. */
export function toGraphQLError(error: GraphQLError, requestId: string): GraphQLError {
  const original = isTransientStoreError(error.originalError) ? storeUnavailable() : error.originalError;
  if (original !== error.originalError) {
    logger.warn({ err: error.originalError, requestId, path: error.path }, 'store busy or unreachable');
  }
  if (original instanceof DomainError) {
    return new GraphQLError(original.message, {
      ...positionOf(error),
      extensions: { code: original.kind, reason: original.reason, requestId, ...detailsOf(original) },
    });
  }
  const fastifyError = fastifyErrorOf(original);
  if (fastifyError) {
    return new GraphQLError(fastifyError.message, {
      extensions: { code: fastifyError.kind, reason: fastifyError.reason, requestId },
    });
  }
  if (!original || original instanceof GraphQLError) {
    // Parse and validation errors (unknown fields, wrong types, depth): the client's query is at fault.
    return new GraphQLError(error.message, {
      ...positionOf(error),
      extensions: { code: ErrorKind.BAD_USER_INPUT, reason: 'GRAPHQL_VALIDATION_FAILED', requestId },
    });
  }
  logger.error({ err: original, requestId, path: error.path }, 'unhandled error in resolver');
  return new GraphQLError(`Something went wrong on our side. Quote request id ${requestId} to support.`, {
    ...positionOf(error),
    extensions: { code: ErrorKind.INTERNAL, reason: 'INTERNAL', requestId },
  });
}

/**
 * Mercurius reports a refused query (validation, depth) as one FastifyError holding the real GraphQL
 * errors; unwrap them so the client sees each problem with its location.
 */
function unwrapRefusal(error: GraphQLError): GraphQLError[] {
  const original: (Error & { code?: string; statusCode?: number; errors?: unknown[] }) | undefined =
    error.originalError ?? undefined;
  if (!original?.code?.startsWith('MER_ERR_GQL_') || original.statusCode !== 400) return [error];
  const inner = (original.errors ?? []).filter((e): e is GraphQLError => e instanceof GraphQLError);
  return inner.length > 0 ? inner : [new GraphQLError(original.message)];
}

// Keep where in the query the error happened, so clients can point at it.
function positionOf(error: GraphQLError) {
  return { nodes: error.nodes, source: error.source, positions: error.positions, path: error.path };
}

function detailsOf(error: DomainError): Record<string, unknown> {
  const details: Record<string, unknown> = {};
  if (error.details.fields) details.fields = error.details.fields;
  if (error.details.retryAfterSeconds) details.retryAfterSeconds = error.details.retryAfterSeconds;
  return details;
}

/** Mercurius' errorFormatter: typed errors, and an HTTP status that says whether the query ran at all. */
export function formatGraphQLResponse(execution: ExecutionResult, requestId: string) {
  const errors = (execution.errors ?? []).flatMap(unwrapRefusal).map((e) => toGraphQLError(e, requestId));
  // Reached the resolvers → 200 with errors (GraphQL convention); refused before execution → 400.
  if (execution.data !== undefined) return { statusCode: 200, response: { data: execution.data, errors } };
  const kind = (errors[0]?.extensions.code as ErrorKind | undefined) ?? ErrorKind.INTERNAL;
  return { statusCode: httpStatusOf(kind), response: { errors } };
}

import { Logger } from '@nestjs/common';
import { DomainError, ErrorKind } from '@streamplane/errors';
import { GraphQLError } from 'graphql';
import { formatGraphQLResponse, toErrorBody } from './error-responses';

// The mapper logs unexpected errors on purpose; keep the test output clean.
beforeAll(() => Logger.overrideLogger(false));

describe('REST error shape', () => {
  it('maps a domain error to its status with reason, fields and Retry-After', () => {
    const error = new DomainError(ErrorKind.RATE_LIMITED, 'RATE_LIMITED', 'slow down', {
      retryAfterSeconds: 12,
    });
    expect(toErrorBody(error, 'req-1')).toEqual({
      status: 429,
      retryAfter: 12,
      body: {
        error: {
          code: 'RATE_LIMITED',
          reason: 'RATE_LIMITED',
          message: 'slow down',
          requestId: 'req-1',
          fields: undefined,
        },
      },
    });
  });

  it('maps Fastify body errors by code', () => {
    expect(toErrorBody({ code: 'FST_ERR_CTP_BODY_TOO_LARGE', statusCode: 413 }, 'r').status).toBe(413);
    expect(
      toErrorBody({ code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', statusCode: 415 }, 'r').body.error.reason,
    ).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 503 UNAVAILABLE with Retry-After when a store is busy (no free connection in time)', () => {
    // What Prisma throws when no pool connection frees up in time, nested as Nest may wrap it.
    const poolTimeout = Object.assign(new Error('Unable to start a transaction in the given time.'), {
      code: 'P2028',
    });
    for (const error of [poolTimeout, new Error('wrapped', { cause: poolTimeout })]) {
      const result = toErrorBody(error, 'req-2');
      expect(result).toMatchObject({ status: 503, retryAfter: 2 });
      expect(result.body.error).toMatchObject({ code: 'UNAVAILABLE', reason: 'STORE_BUSY' });
    }
    const graphql = formatGraphQLResponse(
      { data: null, errors: [new GraphQLError('x', { originalError: poolTimeout })] },
      'req-3',
    );
    expect(graphql.response.errors[0]?.extensions).toMatchObject({
      code: 'UNAVAILABLE',
      reason: 'STORE_BUSY',
      retryAfterSeconds: 2,
    });
  });

  it('hides the details of unknown errors behind INTERNAL and the request id', () => {
    const result = toErrorBody(new Error('password=hunter2 at db-7'), 'req-9');
    expect(result.status).toBe(500);
    expect(result.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(result.body)).not.toContain('hunter2');
    expect(result.body.error.message).toContain('req-9');
  });
});

describe('GraphQL error shape', () => {
  it('answers 200 with typed errors once execution ran', () => {
    const error = new GraphQLError('nope', {
      originalError: new DomainError(ErrorKind.NOT_FOUND, 'MEMBER_NOT_FOUND', 'No such member'),
    });
    const { statusCode, response } = formatGraphQLResponse({ data: null, errors: [error] }, 'r1');
    expect(statusCode).toBe(200);
    expect(response.errors[0].extensions).toEqual({
      code: 'NOT_FOUND',
      reason: 'MEMBER_NOT_FOUND',
      requestId: 'r1',
    });
    expect(response.errors[0].message).toBe('No such member');
  });

  it('answers 400 when the query was refused before execution', () => {
    const { statusCode, response } = formatGraphQLResponse(
      { errors: [new GraphQLError('Cannot query field "x"')] },
      'r2',
    );
    expect(statusCode).toBe(400);
    expect(response.errors[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      reason: 'GRAPHQL_VALIDATION_FAILED',
    });
  });

  it('never shows an unexpected error’s message', () => {
    const error = new GraphQLError('boom', { originalError: new Error('secret internals') });
    const { response } = formatGraphQLResponse({ data: { x: null }, errors: [error] }, 'r3');
    expect(response.errors[0].extensions.code).toBe('INTERNAL');
    expect(response.errors[0].message).not.toContain('secret internals');
  });
});

import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { GqlArgumentsHost } from '@nestjs/graphql';
import { GraphQLError } from 'graphql';
import { toGraphQLError } from '../http/error-responses';
import type { SubscriptionContext } from './subscription-options';

/**
 * Errors of a subscription's subscribe step (the guard, the ownership check). Mercurius sends these to the
 * socket itself, without the errorFormatter that HTTP responses go through, so they are formatted here:
 * the same `extensions` (code, reason, requestId) as every other GraphQL error.
 */
@Catch()
export class SubscriptionExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): GraphQLError {
    const requestId = GqlArgumentsHost.create(host).getContext<SubscriptionContext>().req.id;
    const error =
      exception instanceof GraphQLError
        ? exception
        : new GraphQLError(exception instanceof Error ? exception.message : String(exception), {
            originalError: exception instanceof Error ? exception : undefined,
          });
    return toGraphQLError(error, requestId);
  }
}

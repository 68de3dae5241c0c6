import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { GqlExecutionContext } from '@nestjs/graphql';
import {
  AuthenticationService,
  AuthError,
  AuthErrorCode,
  roleAtLeast,
  type Principal,
} from '@streamplane/auth';
import type { Role } from '@streamplane/db';
import { OperationTypeNode, type GraphQLResolveInfo } from 'graphql';
import type { SubscriptionContext } from '../subscriptions/subscription-options';
import { ACCESS_POLICY, requestOf, type AccessPolicy, type RequestWithPrincipal } from './access.decorators';
import { ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER } from './cookies';

/** Global guard: authenticates the request and enforces the handler's declared AccessPolicy. */
@Injectable()
export class AccessGuard implements CanActivate {
  /** Per request, the one authentication of its credentials (weak: gone with the request). */
  private readonly byRequest = new WeakMap<RequestWithPrincipal, Promise<Principal>>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: AuthenticationService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = this.reflector.get<AccessPolicy | undefined>(ACCESS_POLICY, context.getHandler());
    if (!policy) {
      // Fail closed: a handler nobody decided on is a handler nobody may call.
      throw new Error(`${context.getClass().name}.${context.getHandler().name} declares no access policy`);
    }
    if (policy.public) return true;

    const request = requestOf(context);
    if (isSubscription(context)) {
      // Sockets authenticate once, at connection_init (and are re-checked on a timer); see SubscriberSessions.
      const subscriber = GqlExecutionContext.create(context).getContext<SubscriptionContext>().subscriber;
      if (!subscriber) {
        throw new AuthError(AuthErrorCode.NOT_AUTHENTICATED, 'This socket has not authenticated.');
      }
      request.principal = subscriber.principal;
      return this.authorize(request.principal, policy.role);
    }
    request.principal = await this.authenticateOnce(request);
    return this.authorize(request.principal, policy.role);
  }

  /**
   * The guard runs for every top-level field of a GraphQL request; the credentials are the same for all of
   * them, so they are checked once per request (an API token costs PostgreSQL round trips).
   */
  private authenticateOnce(request: RequestWithPrincipal): Promise<Principal> {
    let pending = this.byRequest.get(request);
    if (!pending) {
      const authorization = request.headers.authorization;
      const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
      const csrfHeader = request.headers[CSRF_HEADER];
      pending = this.authentication.authenticate({
        bearer,
        accessCookie: request.cookies[ACCESS_COOKIE],
        csrfCookie: request.cookies[CSRF_COOKIE],
        csrfHeader: typeof csrfHeader === 'string' ? csrfHeader : undefined,
      });
      this.byRequest.set(request, pending);
    }
    return pending;
  }

  private authorize(principal: Principal, role: Role): true {
    if (!roleAtLeast(principal.role, role)) {
      throw new AuthError(
        AuthErrorCode.INSUFFICIENT_ROLE,
        `This needs the ${role} role or higher; you are ${principal.role}.`,
      );
    }
    return true;
  }
}

function isSubscription(context: ExecutionContext): boolean {
  return (
    context.getType<string>() === 'graphql' &&
    GqlExecutionContext.create(context).getInfo<GraphQLResolveInfo>().operation.operation ===
      OperationTypeNode.SUBSCRIPTION
  );
}

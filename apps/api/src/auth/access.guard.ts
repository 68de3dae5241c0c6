import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthenticationService, AuthError, AuthErrorCode, roleAtLeast } from '@streamplane/auth';
import { ACCESS_POLICY, requestOf, type AccessPolicy } from './access.decorators';
import { ACCESS_COOKIE, CSRF_COOKIE, CSRF_HEADER } from './cookies';

/** Global guard: authenticates the request and enforces the handler's declared AccessPolicy. */
@Injectable()
export class AccessGuard implements CanActivate {
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
    const authorization = request.headers.authorization;
    const bearer = authorization?.match(/^Bearer\s+(\S+)$/i)?.[1];
    const csrfHeader = request.headers[CSRF_HEADER];
    request.principal = await this.authentication.authenticate({
      bearer,
      accessCookie: request.cookies[ACCESS_COOKIE],
      csrfCookie: request.cookies[CSRF_COOKIE],
      csrfHeader: typeof csrfHeader === 'string' ? csrfHeader : undefined,
    });
    if (!roleAtLeast(request.principal.role, policy.role)) {
      throw new AuthError(
        AuthErrorCode.INSUFFICIENT_ROLE,
        `This needs the ${policy.role} role or higher; you are ${request.principal.role}.`,
      );
    }
    return true;
  }
}

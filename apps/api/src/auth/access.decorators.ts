import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import type { Principal } from '@streamplane/auth';
import { Role } from '@streamplane/db';
import type { FastifyRequest } from 'fastify';

export const ACCESS_POLICY = 'streamplane:access-policy';

/** Every handler declares one: public, or the least role that may call it. The guard refuses handlers without one. */
export type AccessPolicy = { public: true } | { public: false; role: Role };

/** Callable without credentials (sign-up, login, health). */
export const Public = () => SetMetadata(ACCESS_POLICY, { public: true } satisfies AccessPolicy);

/** Callable by a principal whose role is at least `role` in their organization. */
export const RequireRole = (role: Role) =>
  SetMetadata(ACCESS_POLICY, { public: false, role } satisfies AccessPolicy);

/** Shorthands that read like the rule they enforce. */
export const AnyMember = () => RequireRole(Role.VIEWER);

export interface RequestWithPrincipal extends FastifyRequest {
  principal?: Principal;
}

export function requestOf(context: ExecutionContext): RequestWithPrincipal {
  if (context.getType<string>() === 'graphql') {
    return GqlExecutionContext.create(context).getContext<{ req: RequestWithPrincipal }>().req;
  }
  return context.switchToHttp().getRequest<RequestWithPrincipal>();
}

/** The authenticated caller. Fails closed: if the guard did not run, there is no principal to hand out. */
export const CurrentPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Principal => {
    const principal = requestOf(context).principal;
    if (!principal)
      throw new Error('CurrentPrincipal used on a handler that the access guard did not authenticate');
    return principal;
  },
);

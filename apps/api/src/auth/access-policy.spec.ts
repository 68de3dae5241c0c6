import 'reflect-metadata';
import { RequestMethod, type ExecutionContext, type Type } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import { RESOLVER_NAME_METADATA, RESOLVER_TYPE_METADATA } from '@nestjs/graphql';
import type { AuthenticationService, Principal } from '@streamplane/auth';
import { Role } from '@streamplane/db';
import { buildSchema, type GraphQLObjectType } from 'graphql';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SCHEMA_FILE } from '../graphql/api-schema';
import { RESOLVERS } from '../graphql/resolvers';
import { ACCESS_POLICY, Public, RequireRole, type AccessPolicy } from './access.decorators';
import { AccessGuard } from './access.guard';

/**
 * "Every resolver is guarded, and CI proves it" — queries, mutations and subscriptions alike. The global
 * AccessGuard refuses a handler without a declared AccessPolicy at run time; this test refuses it at build
 * time, and pins who may call what so that a permission only ever changes on purpose (the snapshot has to
 * be updated alongside).
 */

type Handler = (...args: unknown[]) => unknown;

interface Endpoint {
  /** `Query.me`, `Mutation.inviteMember`, `POST /v1/auth/login`. */
  name: string;
  owner: string;
  policy: AccessPolicy | undefined;
}

const OPERATION_TYPES = ['Query', 'Mutation', 'Subscription'] as const;

function methodsOf(cls: Type): { key: string; handler: Handler }[] {
  return Object.getOwnPropertyNames(cls.prototype)
    .filter((key) => key !== 'constructor')
    .map((key) => ({ key, descriptor: Object.getOwnPropertyDescriptor(cls.prototype, key) }))
    .filter(
      (m): m is { key: string; descriptor: PropertyDescriptor & { value: Handler } } =>
        typeof m.descriptor?.value === 'function',
    )
    .map(({ key, descriptor }) => ({ key, handler: descriptor.value }));
}

function policyOf(handler: Handler): AccessPolicy | undefined {
  return Reflect.getMetadata(ACCESS_POLICY, handler) as AccessPolicy | undefined;
}

function isResolver(cls: Type): boolean {
  return methodsOf(cls).some(({ handler }) =>
    OPERATION_TYPES.some((t) => t === Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler)),
  );
}

function isController(cls: Type): boolean {
  return Reflect.hasOwnMetadata(PATH_METADATA, cls);
}

/**
 * Every class exported by a source file of the api that declares a resolver or a controller, found by
 * reading the tree rather than a list someone must remember to update.
 */
async function classesInSource(): Promise<Type[]> {
  const root = resolve(__dirname, '..');
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !/\.(spec|int-spec|d)\.ts$/.test(file))
    .filter((file) => /@(Resolver|Controller)\(/.test(readFileSync(join(root, file), 'utf8')));
  const modules = await Promise.all(
    files.map((file) => import(join(root, file)) as Promise<Record<string, unknown>>),
  );
  return modules
    .flatMap((exports) => Object.values(exports))
    .filter((value): value is Type => typeof value === 'function');
}

function graphqlOperations(): Endpoint[] {
  return RESOLVERS.flatMap((cls) =>
    methodsOf(cls).flatMap(({ key, handler }) => {
      const type = Reflect.getMetadata(RESOLVER_TYPE_METADATA, handler) as string | undefined;
      if (!OPERATION_TYPES.some((t) => t === type)) return [];
      const fieldName = (Reflect.getMetadata(RESOLVER_NAME_METADATA, handler) as string | undefined) ?? key;
      return [{ name: `${type}.${fieldName}`, owner: `${cls.name}.${key}`, policy: policyOf(handler) }];
    }),
  );
}

function joinPath(...parts: (string | string[] | undefined)[]): string {
  const segments = parts
    .flatMap((p) => (Array.isArray(p) ? p : [p ?? '']))
    .flatMap((p) => p.split('/'))
    .filter(Boolean);
  return `/${segments.join('/')}`;
}

function restRoutes(controllers: Type[]): Endpoint[] {
  return controllers.flatMap((cls) => {
    const base = Reflect.getMetadata(PATH_METADATA, cls) as string | string[] | undefined;
    return methodsOf(cls).flatMap(({ key, handler }) => {
      const path = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (path === undefined || method === undefined) return []; // a private helper, not a route
      return [
        {
          name: `${RequestMethod[method]} ${joinPath(base, path)}`,
          owner: `${cls.name}.${key}`,
          policy: policyOf(handler),
        },
      ];
    });
  });
}

function describePolicy(policy: AccessPolicy | undefined): string {
  if (!policy) return 'NONE';
  return policy.public ? 'PUBLIC' : policy.role;
}

describe('access policies', () => {
  const operations = graphqlOperations();
  let resolversInSource: Type[];
  let routes: Endpoint[];

  beforeAll(async () => {
    const classes = await classesInSource();
    resolversInSource = classes.filter(isResolver);
    // All controllers in the tree, mounted or not: a controller ApiModule does not mount yet costs nothing to check.
    routes = restRoutes(classes.filter(isController));
  });

  it('finds the handlers it is meant to check', () => {
    // Guards against the enumeration silently finding nothing (e.g. a renamed metadata key).
    expect(resolversInSource.length).toBeGreaterThan(0);
    expect(operations.map((o) => o.name)).toEqual(
      expect.arrayContaining(['Query.me', 'Mutation.inviteMember', 'Subscription.deploymentEvents']),
    );
    expect(routes.map((r) => r.name)).toEqual(
      expect.arrayContaining(['POST /v1/auth/login', 'GET /healthz']),
    );
  });

  it('every GraphQL Query, Mutation and Subscription declares an access policy', () => {
    const unguarded = operations.filter((o) => !o.policy).map((o) => `${o.name} (${o.owner})`);
    expect(unguarded).toEqual([]);
  });

  it('every REST route declares an access policy', () => {
    const unguarded = routes.filter((r) => !r.policy).map((r) => `${r.name} (${r.owner})`);
    expect(unguarded).toEqual([]);
  });

  it('every resolver class of the api is in RESOLVERS', () => {
    // ApiModule and the schema printer both take their resolvers from RESOLVERS; one registered some
    // other way would be served without being checked here.
    const outside = resolversInSource
      .filter((cls) => !RESOLVERS.some((listed) => listed === cls))
      .map((c) => c.name);
    expect(outside).toEqual([]);
  });

  it('RESOLVERS holds every Query, Mutation and Subscription of the committed schema, and nothing else', () => {
    const sdl = readFileSync(resolve(__dirname, '../../../../', SCHEMA_FILE), 'utf8');
    const schema = buildSchema(sdl);
    const fieldsOf = (type: GraphQLObjectType | null | undefined) =>
      type ? Object.keys(type.getFields()).map((field) => `${type.name}.${field}`) : [];
    const schemaOperations = [
      ...fieldsOf(schema.getQueryType()),
      ...fieldsOf(schema.getMutationType()),
      ...fieldsOf(schema.getSubscriptionType()),
    ];

    expect(operations.map((o) => o.name).sort()).toEqual(schemaOperations.sort());
    expect(operations).toHaveLength(schemaOperations.length);
  });

  it('who may call what (update the snapshot only for a deliberate permission change)', () => {
    const table = [...operations, ...routes].map((e) => `${e.name}: ${describePolicy(e.policy)}`).sort();
    expect(new Set(table).size).toBe(table.length);
    expect(table).toMatchSnapshot();
  });
});

describe('AccessGuard', () => {
  class Fixture {
    undecided(this: void) {}

    @Public()
    open(this: void) {}

    @RequireRole(Role.ADMIN)
    adminOnly(this: void) {}

    @RequireRole(Role.VIEWER)
    viewerOnly(this: void) {}
  }

  const principal: Principal = {
    type: 'USER',
    userId: 'u1',
    orgId: 'o1',
    role: Role.MEMBER,
    sessionId: 's1',
  };

  function guardWith() {
    const authenticate = jest.fn<Promise<Principal>, unknown[]>().mockResolvedValue(principal);
    const guard = new AccessGuard(new Reflector(), { authenticate } as unknown as AuthenticationService);
    return { guard, authenticate };
  }

  function httpContext(
    handler: Handler,
    request: object = { headers: { authorization: 'Bearer sp_pat_x_y' }, cookies: {} },
  ): ExecutionContext {
    return {
      getType: () => 'http',
      getHandler: () => handler,
      getClass: () => Fixture,
      getArgs: () => [request],
      getArgByIndex: (i: number) => [request][i],
      switchToHttp: () => ({
        getRequest: () => request,
        getResponse: () => ({}),
        getNext: () => () => undefined,
      }),
      switchToRpc: () => {
        throw new Error('not rpc');
      },
      switchToWs: () => {
        throw new Error('not ws');
      },
    } as unknown as ExecutionContext;
  }

  it('fails closed: a handler without an access policy is refused before anyone is authenticated', async () => {
    const { guard, authenticate } = guardWith();
    await expect(guard.canActivate(httpContext(Fixture.prototype.undecided))).rejects.toThrow(
      'Fixture.undecided declares no access policy',
    );
    expect(authenticate).not.toHaveBeenCalled();
  });

  // The two cases below show the fake context is good enough for the guard to get past the policy
  // lookup, so the refusal above is the missing policy and not a broken fake.
  it('lets a public handler through without credentials', async () => {
    const { guard, authenticate } = guardWith();
    await expect(guard.canActivate(httpContext(Fixture.prototype.open))).resolves.toBe(true);
    expect(authenticate).not.toHaveBeenCalled();
  });

  function subscriptionContext(handler: Handler, subscriber?: { principal: Principal }): ExecutionContext {
    const request = { headers: {}, cookies: {} };
    const args = [{}, {}, { req: request, subscriber }, { operation: { operation: 'subscription' } }];
    return {
      getType: () => 'graphql',
      getHandler: () => handler,
      getClass: () => Fixture,
      getArgs: () => args,
      getArgByIndex: (i: number) => args[i],
    } as unknown as ExecutionContext;
  }

  it("takes a subscription's principal from its socket, authenticated at connection_init", async () => {
    const { guard, authenticate } = guardWith();
    const viewer = { ...principal, role: Role.VIEWER };
    await expect(
      guard.canActivate(subscriptionContext(Fixture.prototype.viewerOnly, { principal: viewer })),
    ).resolves.toBe(true);
    await expect(
      guard.canActivate(subscriptionContext(Fixture.prototype.adminOnly, { principal: viewer })),
    ).rejects.toMatchObject({ reason: 'INSUFFICIENT_ROLE' });
    await expect(guard.canActivate(subscriptionContext(Fixture.prototype.viewerOnly))).rejects.toMatchObject({
      reason: 'NOT_AUTHENTICATED',
    });
    expect(authenticate).not.toHaveBeenCalled();
  });

  it('refuses a principal whose role is below the declared one', async () => {
    const { guard, authenticate } = guardWith();
    await expect(guard.canActivate(httpContext(Fixture.prototype.adminOnly))).rejects.toMatchObject({
      reason: 'INSUFFICIENT_ROLE',
    });
    expect(authenticate).toHaveBeenCalledTimes(1);
  });

  it('authenticates once per request however many fields of it the guard checks', async () => {
    const { guard, authenticate } = guardWith();
    const request = { headers: { authorization: 'Bearer sp_pat_x_y' }, cookies: {} };
    await guard.canActivate(httpContext(Fixture.prototype.viewerOnly, request));
    await guard.canActivate(httpContext(Fixture.prototype.viewerOnly, request));
    expect(authenticate).toHaveBeenCalledTimes(1);
    await guard.canActivate(httpContext(Fixture.prototype.viewerOnly));
    expect(authenticate).toHaveBeenCalledTimes(2);
  });
});

import { context, propagation, SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
} from '@opentelemetry/semantic-conventions';
import {
  ATTR_GRAPHQL_ERROR_CODES,
  ATTR_GRAPHQL_ERROR_COUNT,
  ATTR_GRAPHQL_OPERATION_NAME,
  ATTR_GRAPHQL_OPERATION_TYPE,
  ATTR_GRAPHQL_ROOT_FIELDS,
} from '@streamplane/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { Kind, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import type { MercuriusContext } from 'mercurius';

const GRAPHQL_ROUTE = '/graphql';
// Looked up at each use, not once at import: a process (a test) may register its provider after importing this.
const tracer = () => trace.getTracer('streamplane.api');

/** The span of each GraphQL request over HTTP, from its preHandler hook to its response. */
const spans = new WeakMap<FastifyRequest, Span>();

/**
 * A SERVER span per GraphQL operation over HTTP, named `<type> <operation name>` (e.g. `mutation
 * CreateDeployment`), continuing the caller's trace when the request has a `traceparent`. The span is
 * active while the operation runs, so what a resolver starts joins its trace — among it the provisioning
 * job, whose data carries that context to the provisioner (ProvisioningProducer).
 *
 * The span starts in a Fastify preHandler hook rather than in Mercurius' preExecution: a hook can only make
 * a context active for what runs after it by wrapping it (`context.with(…, done)`), which Fastify's
 * callback hooks allow and Mercurius' awaited ones do not. Mercurius' hooks then name the span (the
 * operation is known once the document is parsed) and record its errors. Operations sent over the
 * subscription socket are not traced. Call after `app.init()` (Mercurius is registered then) and before
 * `listen` (Fastify binds hooks to routes when it becomes ready).
 */
export function installGraphqlTracing(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, _reply, done) => {
    // Not the subscription socket (@fastify/websocket's upgrade of the same route): it never gets a response.
    if (request.routeOptions.url !== GRAPHQL_ROUTE || (request as { ws?: boolean }).ws) return done();
    const parent = propagation.extract(context.active(), request.headers);
    const span = tracer().startSpan(
      'GraphQL Operation',
      {
        kind: SpanKind.SERVER,
        attributes: { [ATTR_HTTP_REQUEST_METHOD]: request.method, [ATTR_HTTP_ROUTE]: GRAPHQL_ROUTE },
      },
      parent,
    );
    spans.set(request, span);
    context.with(trace.setSpan(parent, span), done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    endSpan(request, reply.statusCode);
    done();
  });
  fastify.addHook('onRequestAbort', (request, done) => {
    endSpan(request, undefined);
    done();
  });

  fastify.graphql.addHook('preExecution', (_schema, document, ctx) => {
    const span = spanOf(ctx);
    if (span) {
      const { type, name, rootFields } = operationOf(document);
      span.updateName(name ? `${type} ${name}` : type);
      span.setAttribute(ATTR_GRAPHQL_OPERATION_TYPE, type);
      if (name) span.setAttribute(ATTR_GRAPHQL_OPERATION_NAME, name);
      // What an anonymous operation did (`mutation { createDeployment … }`): its top-level fields.
      span.setAttribute(ATTR_GRAPHQL_ROOT_FIELDS, rootFields);
    }
    return Promise.resolve();
  });
  fastify.graphql.addHook('onResolution', (execution, ctx) => {
    const span = spanOf(ctx);
    const errors = execution.errors ?? [];
    if (span && errors.length > 0) {
      const codes = [...new Set(errors.map((error) => codeOf(error.extensions?.code)))];
      span.setAttribute(ATTR_GRAPHQL_ERROR_COUNT, errors.length);
      span.setAttribute(ATTR_GRAPHQL_ERROR_CODES, codes);
      span.setStatus({ code: SpanStatusCode.ERROR, message: codes.join(', ') });
    }
    return Promise.resolve();
  });
}

// Every error the api returns has its kind in extensions.code (formatGraphQLResponse).
function codeOf(code: unknown): string {
  return typeof code === 'string' ? code : 'INTERNAL';
}

function spanOf(ctx: MercuriusContext): Span | undefined {
  const request = (ctx as Partial<MercuriusContext>).reply?.request;
  return request ? spans.get(request) : undefined;
}

function endSpan(request: FastifyRequest, statusCode: number | undefined): void {
  const span = spans.get(request);
  if (!span) return;
  spans.delete(request);
  if (statusCode === undefined) {
    span.setStatus({ code: SpanStatusCode.ERROR, message: 'the client went away' });
  } else {
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, statusCode);
    if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  }
  span.end();
}

function operationOf(document: DocumentNode): { type: string; name?: string; rootFields: string[] } {
  const definition = document.definitions.find(
    (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION,
  );
  const rootFields = (definition?.selectionSet.selections ?? []).flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );
  return { type: definition?.operation ?? 'unknown', name: definition?.name?.value, rootFields };
}

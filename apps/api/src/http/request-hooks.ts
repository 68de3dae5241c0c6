import { runWithRequestContext, type Metrics } from '@streamplane/observability';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const REQUEST_ID_HEADER = 'x-request-id';
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,64}$/;

/** Honour a caller's (or proxy's) request id when it is sane, so logs join up across hops; otherwise mint one. */
export function requestIdOf(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export function installRequestHooks(fastify: FastifyInstance, metrics: Metrics): void {
  // Everything that runs for this request (hooks, handler, services) sees its id and ip.
  fastify.addHook('onRequest', (request, _reply, done) => {
    runWithRequestContext({ requestId: request.id, ip: request.ip }, done);
  });
  fastify.addHook('onSend', (request, reply, payload, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id);
    done(null, payload);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = routeOf(request);
    metrics.httpRequests.inc({ method: request.method, route, status: String(reply.statusCode) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    done();
  });
}

// The route pattern, not the raw URL: ids in paths would explode the label cardinality.
function routeOf(request: FastifyRequest): string {
  return request.routeOptions.url ?? 'unmatched';
}

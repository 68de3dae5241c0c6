import type { AppConfig } from '@streamplane/config';
import { CLOUDEVENTS_CONTENT_TYPES, ingestFormatOf, MeteringError } from '@streamplane/metering';
import type { FastifyInstance } from 'fastify';
import { sendError } from '../http/rest-exception.filter';

/**
 * Fastify-level pieces of POST /v1/ingest/events, installed before the server is ready:
 *  - the two CloudEvents content types are read as raw text, up to `ingest.bodyLimitBytes` (larger than
 *    the api's JSON limit: a batch of 1,000 events is ~300 kB) — parsed by the ingest service only after
 *    the agent token checked out;
 *  - any other content type on that route is refused with 415 before its body is read (otherwise a JSON
 *    body would be parsed by the api's JSON parser first, or refused with a message about JSON).
 */
export function installIngestHttp(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addContentTypeParser(
    Object.values(CLOUDEVENTS_CONTENT_TYPES),
    { parseAs: 'string', bodyLimit: config.ingest.bodyLimitBytes },
    (_request, body, done) => done(null, body),
  );
  fastify.addHook('onRequest', (request, reply, done) => {
    const routeConfig = request.routeOptions.config as { ingestEvents?: boolean } | undefined;
    if (routeConfig?.ingestEvents !== true) return done();
    try {
      ingestFormatOf(request.headers['content-type']);
    } catch (error) {
      if (!(error instanceof MeteringError)) throw error;
      sendError(reply, error, request.id);
      return; // replied: the request ends here
    }
    done();
  });
}

import { Catch, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toErrorBody } from './error-responses';

/** REST errors in one shape with the request id; GraphQL errors pass through to Mercurius' formatter. */
@Catch()
export class RestExceptionFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): unknown {
    if (host.getType<string>() !== 'http') return exception;
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    sendError(reply, exception, request.id);
    return undefined;
  }
}

export function sendError(reply: FastifyReply, error: unknown, requestId: string): void {
  const { status, body, retryAfter } = toErrorBody(error, requestId);
  if (retryAfter) void reply.header('Retry-After', String(retryAfter));
  void reply.status(status).send(body);
}

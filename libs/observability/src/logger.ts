import pino, { type DestinationStream, type Logger } from 'pino';
import { currentRequestContext } from './request-context';

// Paths that must never reach a log line, wherever they appear.
export const REDACTED_PATHS = [
  'password',
  '*.password',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'refreshToken',
  '*.refreshToken',
  'clientSecret',
  '*.clientSecret',
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
];

/**
 * JSON logs. Lines written while serving a request carry its `reqId`, including lines from services
 * that never see the request (they log through the Nest logger, which reads the request context).
 */
export function createLogger(
  options: { level: string; name?: string },
  destination?: DestinationStream,
): Logger {
  return pino(
    {
      level: options.level,
      name: options.name,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      // Fastify's request loggers already bind reqId; add it only to lines from elsewhere (services, Nest).
      mixin: (_merge: object, _level: number, logger: Logger) => {
        const context = currentRequestContext();
        return context && !('reqId' in logger.bindings()) ? { reqId: context.requestId } : {};
      },
    },
    destination,
  );
}

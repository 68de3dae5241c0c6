import { DomainError, ErrorKind } from './domain-error';

/**
 * Failures of PostgreSQL or Redis that say "busy or briefly unreachable", not "your request is wrong" nor
 * "our code is wrong": no connection free in the pool in time (Prisma P2028, node-postgres' connect
 * timeout), the server refusing or dropping connections, or too many clients. The transaction that hit
 * them rolled back, so nothing was written and the client can simply try again.
 */
const PRISMA_TRANSIENT_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028', 'P2034']);
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE']);
/** PostgreSQL SQLSTATEs: too_many_connections, cannot_connect_now, admin_shutdown, serialization/deadlock. */
const POSTGRES_TRANSIENT_STATES = new Set(['53300', '57P03', '57P01', '40001', '40P01']);

export function isTransientStoreError(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 5; depth += 1) {
    const { code, message, cause } = current as { code?: unknown; message?: unknown; cause?: unknown };
    if (typeof code === 'string') {
      if (PRISMA_TRANSIENT_CODES.has(code) || NETWORK_CODES.has(code) || POSTGRES_TRANSIENT_STATES.has(code))
        return true;
    }
    if (typeof message === 'string' && /timeout exceeded when trying to connect/i.test(message)) return true;
    current = cause;
  }
  return false;
}

/** The typed error a client gets instead of a 500 for a transient store failure. */
export function storeUnavailable(retryAfterSeconds = 2): DomainError {
  return new DomainError(
    ErrorKind.UNAVAILABLE,
    'STORE_BUSY',
    'Streamplane is briefly overloaded and did not make any change; try again in a moment.',
    { retryAfterSeconds },
  );
}

import { Injectable, Logger } from '@nestjs/common';
import {
  AuthenticationService,
  AuthError,
  AuthErrorCode,
  type Credentials,
  type Principal,
} from '@streamplane/auth';
import { InjectConfig, type AppConfig } from '@streamplane/config';
import { DomainError } from '@streamplane/errors';
import type { FastifyRequest } from 'fastify';
import { ACCESS_COOKIE, CSRF_COOKIE } from '../auth/cookies';

/** The part of a `ws` WebSocket this needs (the `ws` package ships no types here). */
export interface Socket {
  readonly readyState: number;
  close(code?: number, reason?: string): void;
  once(event: 'close', listener: () => void): unknown;
}

const OPEN = 1;

/** graphql-transport-ws close codes (the graphql-ws reference server uses the same). */
export const CloseCode = {
  /** Credentials missing, invalid, revoked, or from a foreign page. */
  Forbidden: 4403,
  /** No connection_init within the allowed time. */
  ConnectionInitialisationTimeout: 4408,
  /** A second connection_init on the same socket. */
  TooManyInitialisationRequests: 4429,
  /** The credentials could not be checked (e.g. the database did not answer): reconnect. */
  InternalServerError: 1011,
} as const;

/** A socket that has not sent connection_init by then is closed. */
const INITIALISATION_TIMEOUT_MS = 10_000;

/**
 * One authenticated subscription socket. The principal is resolved once, at connection_init, and then
 * re-checked every `config.graphql.subscriptionReauthSeconds`: a revoked session or API token, an expired
 * access token, or a member removed from the organization closes the socket (4403, with the reason) within
 * that bound, ending every subscription on it. So does a session that switched organization: its
 * subscriptions were authorized for the old one.
 */
export class SubscriberSession {
  private timer?: NodeJS.Timeout;

  constructor(
    private current: Principal,
    private readonly credentials: Credentials,
    private readonly socket: Socket,
    private readonly authentication: AuthenticationService,
    intervalMs: number,
    private readonly logger: Logger,
  ) {
    this.timer = setInterval(() => void this.recheck(), intervalMs);
    this.timer.unref();
    socket.once('close', () => this.stop());
  }

  get principal(): Principal {
    return this.current;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async recheck(): Promise<void> {
    try {
      const principal = await this.authentication.authenticate(this.credentials);
      if (!this.timer) return; // closed meanwhile
      if (principal.orgId !== this.current.orgId || principal.userId !== this.current.userId) {
        this.close(
          CloseCode.Forbidden,
          'ORGANIZATION_CHANGED: this session now acts in another organization; reconnect.',
        );
        return;
      }
      this.current = principal; // e.g. a new role
    } catch (error) {
      if (!this.timer) return;
      if (error instanceof DomainError) {
        this.close(CloseCode.Forbidden, `${error.reason}: ${error.message}`);
      } else {
        this.logger.error({ err: error }, 'Could not re-check the credentials of a subscription socket');
        this.close(CloseCode.InternalServerError, 'Could not re-check your credentials; reconnect.');
      }
    }
  }

  private close(code: number, reason: string): void {
    this.stop();
    closeSocket(this.socket, code, reason);
  }
}

/**
 * Authenticates subscription sockets (graphql-transport-ws over /graphql). Credentials, in this order:
 * - `connection_init` payload `{ authorization: 'Bearer <API token or access token>' }`;
 * - the upgrade request's `Authorization: Bearer …` header (non-browser clients);
 * - the browser session cookie sent with the upgrade. Browsers attach cookies to a websocket opened by any
 *   page of the same site, and SameSite does not tell sibling origins apart, so a cookie-authenticated
 *   socket must come from our own page: its `Origin` must be `config.http.publicUrl`'s, and, as for every
 *   cookie-authenticated request, it must echo the `sp_csrf` cookie — in the payload as `{ csrfToken }`.
 */
@Injectable()
export class SubscriberSessions {
  private readonly logger = new Logger('Subscriptions');
  private readonly sessions = new WeakMap<Socket, SubscriberSession>();
  private readonly publicOrigin: string;

  constructor(
    private readonly authentication: AuthenticationService,
    @InjectConfig() private readonly config: AppConfig,
  ) {
    this.publicOrigin = new URL(config.http.publicUrl).origin;
  }

  /** A new socket: closed unless it initialises (and authenticates) in time. */
  watch(socket: Socket): void {
    setTimeout(() => {
      if (!this.sessions.has(socket) && socket.readyState === OPEN) {
        closeSocket(socket, CloseCode.ConnectionInitialisationTimeout, 'Connection initialisation timeout');
      }
    }, INITIALISATION_TIMEOUT_MS).unref();
  }

  /**
   * connection_init: the session, or undefined after closing the socket with the reason (4403 for
   * credentials, so clients can tell it from a network failure).
   */
  async open(
    request: FastifyRequest,
    socket: Socket,
    payload: unknown,
  ): Promise<SubscriberSession | undefined> {
    if (this.sessions.has(socket)) {
      closeSocket(socket, CloseCode.TooManyInitialisationRequests, 'Too many initialisation requests');
      return undefined;
    }
    try {
      const credentials = this.credentialsOf(request, payload);
      const principal = await this.authentication.authenticate(credentials);
      if (socket.readyState !== OPEN) return undefined;
      const session = new SubscriberSession(
        principal,
        credentials,
        socket,
        this.authentication,
        this.config.graphql.subscriptionReauthSeconds * 1000,
        this.logger,
      );
      this.sessions.set(socket, session);
      return session;
    } catch (error) {
      if (error instanceof DomainError) {
        closeSocket(socket, CloseCode.Forbidden, `${error.reason}: ${error.message}`);
      } else {
        this.logger.error(
          { err: error, requestId: request.id },
          'Could not authenticate a subscription socket',
        );
        closeSocket(socket, CloseCode.InternalServerError, 'Could not check your credentials; reconnect.');
      }
      return undefined;
    }
  }

  private credentialsOf(request: FastifyRequest, payload: unknown): Credentials {
    const init = isRecord(payload) ? payload : {};
    const authorization =
      typeof init.authorization === 'string' ? init.authorization : request.headers.authorization;
    if (authorization) {
      return { bearer: /^Bearer\s+(\S+)$/i.exec(authorization.trim())?.[1] ?? authorization.trim() };
    }
    const accessCookie = request.cookies[ACCESS_COOKIE];
    if (accessCookie) {
      if (request.headers.origin !== this.publicOrigin) {
        throw new AuthError(
          AuthErrorCode.ORIGIN_NOT_ALLOWED,
          `Cookie-authenticated sockets must be opened from ${this.publicOrigin}.`,
        );
      }
      return {
        accessCookie,
        csrfCookie: request.cookies[CSRF_COOKIE],
        csrfHeader: typeof init.csrfToken === 'string' ? init.csrfToken : undefined,
      };
    }
    throw new AuthError(
      AuthErrorCode.NOT_AUTHENTICATED,
      'Send { authorization: "Bearer …" } in connection_init, or sign in.',
    );
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** A close reason is at most 123 bytes. */
function closeSocket(socket: Socket, code: number, reason: string): void {
  let text = reason;
  if (Buffer.byteLength(text) > 123) {
    while (Buffer.byteLength(text) > 120) text = text.slice(0, -1);
    text += '…';
  }
  socket.close(code, text);
}

import type { FastifyRequest } from 'fastify';
import type { RequestWithPrincipal } from '../auth/access.decorators';
import type { Socket, SubscriberSession, SubscriberSessions } from './subscriber-sessions';

/** The GraphQL context of an operation that arrived over a subscription socket. */
export interface SubscriptionContext {
  /** The websocket upgrade request. */
  req: RequestWithPrincipal;
  /** Set at connection_init; every socket that gets that far has one (the others are closed). */
  subscriber?: SubscriberSession;
}

/**
 * What Mercurius keeps per socket. It calls `onConnect` as a method of this object, which is the only place
 * that sees both the connection_init payload and the upgrade request (cookies, Origin) of the same socket.
 * Not in Mercurius' typings; subscriptions.int-spec.ts fails if that ever changes.
 */
interface MercuriusSocketConnection {
  socket: Socket;
  context: { request: FastifyRequest };
}

/**
 * Mercurius' `subscription` option: graphql-transport-ws (and the legacy graphql-ws protocol, which
 * Mercurius also speaks) on /graphql, authenticated per socket. Queries and mutations stay on HTTP
 * (`fullWsTransport` off), so their CSRF rules are the only ones.
 */
export function subscriptionOptions(sessions: SubscriberSessions) {
  return {
    // The protocol's ping every 15 s keeps idle sockets open through proxies and finds dead ones.
    keepAlive: 15_000,
    context: (_socket: unknown, request: FastifyRequest): SubscriptionContext => ({ req: request }),
    onConnect: async function (
      this: MercuriusSocketConnection,
      data: { payload?: unknown },
    ): Promise<Pick<SubscriptionContext, 'subscriber'> | false> {
      const subscriber = await sessions.open(this.context.request, this.socket, data.payload);
      return subscriber ? { subscriber } : false;
    },
  };
}

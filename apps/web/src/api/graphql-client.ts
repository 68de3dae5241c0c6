import { createClient as createSocketClient, type Client as SocketClient } from 'graphql-ws';
import { cacheExchange, Client, fetchExchange, subscriptionExchange } from 'urql';
import { refreshSession } from './auth-api';
import { csrfHeaders, CSRF_COOKIE, hasSessionCookie, readCookie } from './cookies';

/** What the client tells the app about the session and the live connection. */
export interface ClientEvents {
  /** The session could not be refreshed: the user must sign in again (the page stays as it is). */
  onSessionExpired: () => void;
  /** The live connection came back after a drop: events may have been missed, so views re-read. */
  onReconnected: () => void;
  /** Resolves once the person has signed in again after the session expired. */
  untilSignedInAgain(): Promise<void>;
}

/** Whether a GraphQL answer says the caller is not (any more) authenticated. */
export async function isUnauthenticated(response: Response): Promise<boolean> {
  if (response.status === 401) return true;
  if (!response.headers.get('content-type')?.includes('json')) return false;
  try {
    const body = (await response.clone().json()) as { errors?: { extensions?: { code?: string } }[] };
    return body.errors?.some((error) => error.extensions?.code === 'UNAUTHENTICATED') ?? false;
  } catch {
    return false;
  }
}

/**
 * fetch for GraphQL over HTTP with the browser session: echoes the CSRF cookie, and when the access token
 * has expired, refreshes the session once and sends the request again. A refused refresh ends the session.
 */
export function sessionFetch(events: Pick<ClientEvents, 'onSessionExpired'>): typeof fetch {
  return async (input, init) => {
    const send = () =>
      fetch(input, {
        ...init,
        credentials: 'same-origin',
        headers: { ...(init?.headers as Record<string, string> | undefined), ...csrfHeaders() },
      });
    const response = await send();
    if (!(await isUnauthenticated(response))) return response;
    if (hasSessionCookie() && (await refreshSession())) return send();
    events.onSessionExpired();
    return response;
  };
}

/** Close code the api uses for refused credentials (expired access token, ended session, revoked token). */
const FORBIDDEN = 4403;

/**
 * graphql-transport-ws on /graphql, authenticated by the session cookie (sent with the upgrade) and the
 * CSRF value in connection_init. A socket closed for its credentials (the access token expired while it
 * was open) refreshes the session before reconnecting; every reconnect is reported so views re-read.
 */
export function createLiveSocket(events: ClientEvents): SocketClient {
  let refreshBeforeConnecting = false;
  let connectedBefore = false;
  const url = `${window.location.protocol === 'https:' ? 'wss' : 'ws'}://${window.location.host}/graphql`;
  return createSocketClient({
    url,
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (retries) => {
      const delay = Math.min(10_000, 500 * 2 ** retries) * (0.75 + Math.random() / 2);
      await new Promise((resolve) => setTimeout(resolve, delay));
    },
    connectionParams: async () => {
      if (refreshBeforeConnecting) {
        refreshBeforeConnecting = false;
        if (!(await refreshSession())) {
          // Hold the reconnection (not the subscriptions) until the person signs in again.
          events.onSessionExpired();
          await events.untilSignedInAgain();
        }
      }
      return { csrfToken: readCookie(CSRF_COOKIE) };
    },
    on: {
      closed: (event) => {
        if ((event as CloseEvent | undefined)?.code === FORBIDDEN) refreshBeforeConnecting = true;
      },
      connected: () => {
        if (connectedBefore) events.onReconnected();
        connectedBefore = true;
      },
    },
  });
}

export function createGraphqlClient(events: ClientEvents): { client: Client; dispose(): void } {
  const socket = createLiveSocket(events);
  const client = new Client({
    url: '/graphql',
    preferGetMethod: false,
    requestPolicy: 'cache-and-network',
    fetch: sessionFetch(events),
    exchanges: [
      cacheExchange,
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const payload = { ...request, query: request.query ?? '' };
          return {
            subscribe(sink) {
              const unsubscribe = socket.subscribe(payload, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  return { client, dispose: () => void socket.dispose() };
}

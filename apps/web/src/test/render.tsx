import { MantineProvider } from '@mantine/core';
import { render } from '@testing-library/react';
import type { ReactNode } from 'react';
import { createMemoryRouter, RouterProvider, type RouteObject } from 'react-router';
import { Client, fetchExchange, Provider, subscriptionExchange } from 'urql';
import { vi } from 'vitest';
import { SessionContext, type Session } from '../auth/session';
import type { Role } from '../generated/graphql';
import { theme } from '../app/theme';

type Answer =
  | { data?: unknown; errors?: unknown[] }
  | ((variables: Record<string, unknown>) => { data?: unknown; errors?: unknown[] });

/**
 * The GraphQL api as a page sees it, answered from fixtures by operation name, through a real urql client
 * (its fetch replaced). Subscriptions are pushed by the test with `emit`.
 */
export class FakeApi {
  readonly requests: { operationName: string; variables: Record<string, unknown> }[] = [];
  private readonly sinks = new Map<string, { next(value: unknown): void }[]>();

  constructor(private readonly answers: Record<string, Answer>) {}

  readonly fetch = vi.fn((_input: RequestInfo | URL, init?: RequestInit) => {
    const body = JSON.parse(init?.body as string) as {
      operationName: string;
      variables?: Record<string, unknown>;
    };
    this.requests.push({ operationName: body.operationName, variables: body.variables ?? {} });
    const answer = this.answers[body.operationName];
    if (!answer) throw new Error(`No fixture for ${body.operationName}`);
    const value = typeof answer === 'function' ? answer(body.variables ?? {}) : answer;
    return new Response(JSON.stringify(value), {
      status: 200,
      headers: { 'content-type': 'application/json' },
    });
  });

  /** Delivers a subscription event to every live subscription of that operation. */
  emit(operationName: string, data: unknown): void {
    for (const sink of this.sinks.get(operationName) ?? []) sink.next({ data });
  }

  subscribed(operationName: string): number {
    return this.sinks.get(operationName)?.length ?? 0;
  }

  calls(operationName: string): number {
    return this.requests.filter((request) => request.operationName === operationName).length;
  }

  client(): Client {
    return new Client({
      url: 'http://localhost/graphql',
      preferGetMethod: false,
      fetch: this.fetch as unknown as typeof fetch,
      exchanges: [
        fetchExchange,
        subscriptionExchange({
          forwardSubscription: (request) => ({
            subscribe: (sink) => {
              const name = /subscription\s+(\w+)/.exec(request.query ?? '')?.[1] ?? '';
              const list = this.sinks.get(name) ?? [];
              list.push(sink);
              this.sinks.set(name, list);
              return {
                unsubscribe: () =>
                  this.sinks.set(
                    name,
                    list.filter((candidate) => candidate !== sink),
                  ),
              };
            },
          }),
        }),
      ],
    });
  }
}

export function fakeSession(role: Role, overrides: Partial<Session> = {}): Session {
  return {
    status: 'signed-in',
    role,
    expired: false,
    liveEpoch: 0,
    viewer: {
      role,
      user: { id: 'user-1', email: 'ada@example.com', name: 'Ada Lovelace' },
      organization: { id: 'org-1', name: 'Analytical Engines', slug: 'analytical-engines' },
      organizations: [
        { role, organization: { id: 'org-1', name: 'Analytical Engines', slug: 'analytical-engines' } },
      ],
    },
    signedIn: vi.fn(),
    resumed: vi.fn(),
    signOut: vi.fn(() => Promise.resolve()),
    switchOrganization: vi.fn(() => Promise.resolve()),
    reloadViewer: vi.fn(),
    ...overrides,
  };
}

/** Renders a page at `path` (matching `route`), with the theme, a session and the fake api. */
export function renderPage(options: {
  route: string;
  path: string;
  element: ReactNode;
  api: FakeApi;
  session: Session;
}) {
  const routes: RouteObject[] = [
    { path: options.route, element: options.element },
    { path: '*', element: <div>elsewhere</div> },
  ];
  const router = createMemoryRouter(routes, { initialEntries: [options.path] });
  return render(
    <MantineProvider theme={theme}>
      <Provider value={options.api.client()}>
        <SessionContext.Provider value={options.session}>
          <RouterProvider router={router} />
        </SessionContext.Provider>
      </Provider>
    </MantineProvider>,
  );
}

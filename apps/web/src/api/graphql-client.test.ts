import { afterEach, describe, expect, it, vi } from 'vitest';
import { isUnauthenticated, sessionFetch } from './graphql-client';

const json = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const expired = () =>
  json({
    data: null,
    errors: [{ message: 'expired', extensions: { code: 'UNAUTHENTICATED', reason: 'TOKEN_EXPIRED' } }],
  });

afterEach(() => {
  vi.unstubAllGlobals();
  document.cookie = 'sp_csrf=; expires=Thu, 01 Jan 1970 00:00:00 GMT';
});

describe('GraphQL over the browser session', () => {
  it('recognises an expired session in a 200 answer and in a 401', async () => {
    expect(await isUnauthenticated(expired())).toBe(true);
    expect(await isUnauthenticated(new Response('', { status: 401 }))).toBe(true);
    expect(await isUnauthenticated(json({ data: { me: {} } }))).toBe(false);
    expect(await isUnauthenticated(json({ errors: [{ extensions: { code: 'FORBIDDEN' } }] }))).toBe(false);
  });

  it('refreshes the session once and sends the request again, with the CSRF value', async () => {
    document.cookie = 'sp_csrf=csrf-1';
    const calls: { url: string; csrf?: string }[] = [];
    let graphqlCalls = 0;
    vi.stubGlobal(
      'fetch',
      vi.fn((input: string, init: RequestInit) => {
        calls.push({ url: input, csrf: (init.headers as Record<string, string>)['x-csrf-token'] });
        if (input === '/v1/auth/refresh') return Promise.resolve(json({ accessTokenExpiresAt: 'later' }));
        return Promise.resolve(++graphqlCalls === 1 ? expired() : json({ data: { me: { role: 'OWNER' } } }));
      }),
    );
    const onSessionExpired = vi.fn();
    const response = await sessionFetch({ onSessionExpired })('/graphql', { method: 'POST', body: '{}' });
    expect(await response.json()).toEqual({ data: { me: { role: 'OWNER' } } });
    expect(calls.map((call) => call.url)).toEqual(['/graphql', '/v1/auth/refresh', '/graphql']);
    expect(calls.every((call) => call.csrf === 'csrf-1')).toBe(true);
    expect(onSessionExpired).not.toHaveBeenCalled();
  });

  it('says the session expired when the refresh is refused, and keeps the answer', async () => {
    document.cookie = 'sp_csrf=csrf-1';
    vi.stubGlobal(
      'fetch',
      vi.fn((input: string) =>
        Promise.resolve(
          input === '/v1/auth/refresh'
            ? json({ error: { code: 'UNAUTHENTICATED', reason: 'SESSION_ENDED', message: 'ended' } }, 401)
            : expired(),
        ),
      ),
    );
    const onSessionExpired = vi.fn();
    const response = await sessionFetch({ onSessionExpired })('/graphql', { method: 'POST', body: '{}' });
    expect(onSessionExpired).toHaveBeenCalledOnce();
    expect(await isUnauthenticated(response)).toBe(true);
  });

  it('does not try to refresh without a session at all', async () => {
    const fetch = vi.fn(() => Promise.resolve(expired()));
    vi.stubGlobal('fetch', fetch);
    await sessionFetch({ onSessionExpired: vi.fn() })('/graphql', { method: 'POST', body: '{}' });
    expect(fetch).toHaveBeenCalledTimes(1);
  });
});

import { ApiError, apiErrorFromRest } from './api-error';
import { csrfHeaders } from './cookies';

/** The browser-session endpoints (REST, JSON): the session itself lives in httpOnly cookies. */

export interface SignedIn {
  user: { id: string; email: string; name: string };
  organization: { id: string; name: string; slug: string };
  role: string;
  accessTokenExpiresAt: string;
}

export interface SignupInput {
  email: string;
  password: string;
  name: string;
  organizationName: string;
}

async function post<T>(path: string, body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', ...csrfHeaders() },
      body: JSON.stringify(body ?? {}),
    });
  } catch (error) {
    throw ApiError.unreachable(error instanceof Error ? error.message : String(error));
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = apiErrorFromRest(response.status, parsed);
    const retryAfter = Number(response.headers.get('retry-after'));
    throw retryAfter > 0 && error.retryAfterSeconds === undefined ? error.withRetryAfter(retryAfter) : error;
  }
  return parsed as T;
}

export const authApi = {
  signup: (input: SignupInput) => post<SignedIn>('/v1/auth/signup', input),
  login: (email: string, password: string) => post<SignedIn>('/v1/auth/login', { email, password }),
  logout: () => post<void>('/v1/auth/logout'),
  switchOrganization: (organizationId: string) =>
    post<Omit<SignedIn, 'user'>>('/v1/auth/switch-organization', { organizationId }),
  refresh: () => post<{ accessTokenExpiresAt: string }>('/v1/auth/refresh'),
};

let refreshing: Promise<boolean> | undefined;

/**
 * Rotates the session's tokens. Concurrent callers share one request: the refresh token rotates, and
 * presenting the old one a second time would end the session (reuse detection).
 */
export function refreshSession(): Promise<boolean> {
  refreshing ??= authApi
    .refresh()
    .then(
      () => true,
      () => false,
    )
    .finally(() => {
      refreshing = undefined;
    });
  return refreshing;
}

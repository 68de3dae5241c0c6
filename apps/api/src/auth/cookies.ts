import type { CookieSerializeOptions } from '@fastify/cookie';
import type { AppConfig } from '@streamplane/config';
import type { FastifyReply } from 'fastify';

export const ACCESS_COOKIE = 'sp_access';
export const REFRESH_COOKIE = 'sp_refresh';
export const CSRF_COOKIE = 'sp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

// The refresh token only travels to the endpoints that need it.
const REFRESH_PATH = '/v1/auth';

function base(config: AppConfig): CookieSerializeOptions {
  return { secure: config.auth.cookieSecure, sameSite: 'strict', path: '/' };
}

export function setSessionCookies(
  reply: FastifyReply,
  config: AppConfig,
  tokens: {
    accessToken: string;
    accessTokenExpiresAt: Date;
    csrfToken?: string;
    refreshToken?: string;
    sessionExpiresAt?: Date;
  },
): void {
  reply.setCookie(ACCESS_COOKIE, tokens.accessToken, {
    ...base(config),
    httpOnly: true,
    expires: tokens.accessTokenExpiresAt,
  });
  if (tokens.refreshToken && tokens.sessionExpiresAt) {
    reply.setCookie(REFRESH_COOKIE, tokens.refreshToken, {
      ...base(config),
      path: REFRESH_PATH,
      httpOnly: true,
      expires: tokens.sessionExpiresAt,
    });
  }
  // Readable by our own page (double-submit CSRF); useless to another site, which cannot read it.
  if (tokens.csrfToken) {
    reply.setCookie(CSRF_COOKIE, tokens.csrfToken, {
      ...base(config),
      httpOnly: false,
      expires: tokens.sessionExpiresAt,
    });
  }
}

export function clearSessionCookies(reply: FastifyReply, config: AppConfig): void {
  reply.clearCookie(ACCESS_COOKIE, { ...base(config) });
  reply.clearCookie(REFRESH_COOKIE, { ...base(config), path: REFRESH_PATH });
  reply.clearCookie(CSRF_COOKIE, { ...base(config) });
}

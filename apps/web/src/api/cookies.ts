/** The session's CSRF value: the api sets it as a script-readable cookie, and wants it echoed in a header. */
export const CSRF_COOKIE = 'sp_csrf';
export const CSRF_HEADER = 'x-csrf-token';

export function readCookie(name: string, cookieString: string = document.cookie): string | undefined {
  for (const part of cookieString.split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return decodeURIComponent(part.slice(index + 1).trim());
  }
  return undefined;
}

export function csrfHeaders(): Record<string, string> {
  const csrf = readCookie(CSRF_COOKIE);
  return csrf ? { [CSRF_HEADER]: csrf } : {};
}

/** A session may exist (the CSRF cookie lives as long as the session). */
export function hasSessionCookie(): boolean {
  return readCookie(CSRF_COOKIE) !== undefined;
}

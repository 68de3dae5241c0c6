import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** A URL-safe random string with `bytes` of entropy. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}

/**
 * SHA-256 is enough for our own high-entropy tokens (refresh, API, invitation): unlike passwords
 * they cannot be guessed, so a slow hash would only cost latency on every request.
 */
export function sha256Hex(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * The api's rules for sign-up fields, checked before sending (libs/auth/src/password.ts and
 * libs/errors/src/input.ts); the api checks them again and its answer is shown if it disagrees.
 */
export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function emailProblem(value: string): string | null {
  const email = value.trim();
  if (!email) return 'Enter your email address';
  if (email.length > 254 || !EMAIL.test(email)) return 'Enter a valid email address, like you@company.com';
  return null;
}

export function passwordProblem(password: string, email: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Use at least ${PASSWORD_MIN_LENGTH} characters`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Use at most ${PASSWORD_MAX_LENGTH} characters`;
  if (new Set(password).size < 5) return 'Use at least 5 different characters';
  const name = email.trim().split('@')[0]?.toLowerCase() ?? '';
  if (name.length >= 4 && password.toLowerCase().includes(name)) return 'Do not include your email name';
  return null;
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A display name: 1..max characters after trimming, no control characters. */
export function nameProblem(value: string, what: string, max = 100): string | null {
  const name = value.trim();
  if (!name) return `Enter ${what}`;
  if (name.length > max) return `Use at most ${max} characters`;
  if (CONTROL_CHARS.test(name)) return 'Remove the control characters';
  return null;
}

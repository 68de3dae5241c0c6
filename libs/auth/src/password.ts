import * as argon2 from 'argon2';
import { z } from 'zod';

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 128;

// The most common passwords that still meet the length rule; refusing them is cheap and catches the worst.
const COMMON_PASSWORDS = new Set([
  '1234567890',
  '12345678910',
  '123456789012',
  '0987654321',
  'qwertyuiop',
  'password123',
  'password1234',
  'passwordpassword',
  'iloveyou123',
  'qwerty123456',
  '1q2w3e4r5t',
  '1qaz2wsx3edc',
  'abcdefghij',
  'letmein1234',
  'welcome1234',
  'administrator',
  'streamplane',
  'streamplane123',
]);

/** Length bounds and a few rules against the obviously guessable (NIST 800-63B style: no composition rules). */
export function passwordSchema(email?: string) {
  return z
    .string()
    .min(PASSWORD_MIN_LENGTH, `must be at least ${PASSWORD_MIN_LENGTH} characters`)
    .max(PASSWORD_MAX_LENGTH, `must be at most ${PASSWORD_MAX_LENGTH} characters`)
    .refine((value) => new Set(value).size >= 5, 'must use at least 5 different characters')
    .refine((value) => !COMMON_PASSWORDS.has(value.toLowerCase()), 'is too common')
    .refine((value) => !containsEmailName(value, email), 'must not contain your email name');
}

function containsEmailName(password: string, email: string | undefined): boolean {
  const name = email?.split('@')[0].toLowerCase() ?? '';
  // Very short names ("a@…") would forbid half the alphabet; only meaningful names count.
  return name.length >= 4 && password.toLowerCase().includes(name);
}

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): safe, and fast enough for a login endpoint.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;
/** Spends the same time as a real verification, so a missing account cannot be told apart by timing. */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomFiller());
  await verifyPassword(await dummyHash, password);
  return false;
}

function randomFiller(): string {
  return `dummy-${Math.random().toString(36)}-${Date.now()}`;
}

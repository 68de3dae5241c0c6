import { z } from 'zod';
import { DomainError, ErrorKind } from './domain-error';

/** Parses untrusted input with a zod schema; on failure a BAD_USER_INPUT error lists each field's problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.message}`).join('; ');
  throw new DomainError(ErrorKind.BAD_USER_INPUT, 'INVALID_INPUT', `Invalid input: ${summary}`, { fields });
}

// Control characters (C0, DEL, C1) and Unicode line/paragraph separators have no place in names.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A human-facing name: trimmed, 1..max characters, no control characters. */
export function displayName(max = 100) {
  return z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((value) => !CONTROL_CHARS.test(value), 'must not contain control characters');
}

export const emailAddress = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'must be at most 254 characters')
  .pipe(z.email({ error: 'must be a valid email address' }));

import type { z } from 'zod';
import { DeploymentSpecErrorCode as Code, type SpecProblem } from './deployment-spec.errors';

// Turns zod's issues into coded problems. Rules report custom issues with `params.code`; what zod itself
// finds (wrong types, unknown keys, missing fields) gets the shape codes.

/** One problem per issue (per key for unknown keys); nothing is dropped. */
export function problemsOf(issues: readonly z.core.$ZodIssue[], input: unknown): SpecProblem[] {
  return issues.flatMap((issue): SpecProblem[] => {
    const field = fieldName(issue.path);
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: fieldName([...issue.path, key]),
        code: Code.UNKNOWN_FIELD,
        message: 'is not a field of a deployment spec',
      }));
    }
    if (isMissing(input, issue.path)) return [{ field, code: Code.MISSING_FIELD, message: 'is required' }];
    if (issue.code === 'custom' && isCode(issue.params?.code)) {
      return [{ field, code: issue.params.code, message: issue.message }];
    }
    if (issue.code === 'invalid_type') {
      return [{ field, code: Code.INVALID_TYPE, message: `must be ${article(issue.expected)}` }];
    }
    // Not expected from this schema; kept so no issue is ever dropped.
    return [{ field, code: Code.INVALID_VALUE, message: issue.message }];
  });
}

function article(expected: string): string {
  const nouns: Record<string, string> = {
    int: 'an integer',
    array: 'a list',
    record: 'an object of strings',
  };
  return nouns[expected] ?? (/^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`);
}

/** Dotted path for people and clients; the whole input is `(spec)`. */
function fieldName(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(spec)' : path.map(String).join('.');
}

function isMissing(input: unknown, path: readonly PropertyKey[]): boolean {
  if (path.length === 0) return input === undefined;
  let parent: unknown = input;
  for (const key of path.slice(0, -1)) {
    if (!isRecord(parent)) return false;
    parent = parent[String(key)];
  }
  return isRecord(parent) && !Object.hasOwn(parent, String(path[path.length - 1]));
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isCode(value: unknown): value is Code {
  return Object.values<unknown>(Code).includes(value);
}

import type { ReplicationPattern } from '@streamplane/infra';
import { z } from 'zod';

/**
 * What a customer selects topics and consumer groups with: an exact name (`orders`), a prefix ending in `*`
 * (`payments.*` = every name starting with `payments.`), or `*` alone (everything). Deliberately not free
 * regexes: Kafka ACLs know only literal and prefix resources, so with this grammar the mirroring users'
 * grants are exactly the selection, never wider. Each one also becomes the regex MirrorMaker 2 is given.
 */
const NAME = /^[a-zA-Z0-9._-]+$/;

export const PATTERN_RULES =
  'a topic or group name ([a-zA-Z0-9._-], up to 249 characters), a prefix ending in * (e.g. "payments.*"), or "*"';

export function parsePattern(raw: string): ReplicationPattern | undefined {
  const value = raw.trim();
  if (value === '*') return { name: '*', patternType: 'literal' };
  if (value.length === 0 || value.length > 249) return undefined;
  const prefix = value.endsWith('*');
  const name = prefix ? value.slice(0, -1) : value;
  if (!NAME.test(name) || name === '.' || name === '..') return undefined;
  const pattern: ReplicationPattern = { name, patternType: prefix ? 'prefix' : 'literal' };
  // Belt and braces: the regex MirrorMaker 2 gets must compile.
  try {
    new RegExp(regexOf(pattern));
  } catch {
    return undefined;
  }
  return pattern;
}

export function regexOf(pattern: ReplicationPattern): string {
  if (pattern.patternType === 'literal' && pattern.name === '*') return '.*';
  const escaped = pattern.name.replace(/[.\\+*?^$()[\]{}|-]/g, (c) => `\\${c}`);
  return pattern.patternType === 'prefix' ? `${escaped}.*` : escaped;
}

export const formatPattern = (pattern: ReplicationPattern): string =>
  pattern.patternType === 'prefix' ? `${pattern.name}*` : pattern.name;

/** A non-empty list of distinct patterns (each as the customer wrote it, trimmed). */
export const PatternList = z
  .array(z.string().max(250), { error: 'must be a list of patterns' })
  .min(1, 'must name at least one pattern')
  .max(100, 'must have at most 100 patterns')
  .superRefine((values, ctx) => {
    values.forEach((value, index) => {
      if (!parsePattern(value)) {
        ctx.addIssue({ code: 'custom', path: [index], message: `must be ${PATTERN_RULES}` });
      }
    });
  })
  .transform((values) => [...new Set(values.map((value) => value.trim()))]);

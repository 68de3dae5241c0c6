import { SPEC_LIMITS } from './spec-limits';

// Tags go on both clouds' resources, so a tag must be valid on both: the stricter of each rule.
// AWS allows letters, digits, spaces and _ . : / = + - @ in keys and values; Azure forbids < > % & \ ? /
// in keys (values are free). A key therefore may not contain '/', a value may.
const KEY_CHARACTERS = /^[\p{L}\p{N}\p{Zs}_.:=+\-@]+$/u;
const VALUE_CHARACTERS = /^[\p{L}\p{N}\p{Zs}_.:/=+\-@]*$/u;

// Both clouds count characters, not UTF-16 code units.
function lengthOf(text: string): number {
  return [...text].length;
}

/** Why a tag key is not valid on both clouds, or undefined when it is. */
export function tagKeyProblem(key: string): string | undefined {
  const { maxKeyLength, reservedKeyPrefixes } = SPEC_LIMITS.tags;
  if (key.length === 0) return 'a tag key must not be empty';
  if (lengthOf(key) > maxKeyLength) return `a tag key must be at most ${maxKeyLength} characters`;
  const reserved = reservedKeyPrefixes.find((prefix) => key.toLowerCase().startsWith(prefix));
  if (reserved) return `tag keys starting with '${reserved}' are reserved`;
  if (!KEY_CHARACTERS.test(key)) {
    return 'a tag key may contain only letters, digits, spaces and _ . : = + - @';
  }
  return undefined;
}

/** Why a tag value is not valid on both clouds, or undefined when it is. */
export function tagValueProblem(value: string): string | undefined {
  const { maxValueLength } = SPEC_LIMITS.tags;
  if (lengthOf(value) > maxValueLength) return `a tag value must be at most ${maxValueLength} characters`;
  if (!VALUE_CHARACTERS.test(value)) {
    return 'a tag value may contain only letters, digits, spaces and _ . : / = + - @';
  }
  return undefined;
}

/** Azure compares tag keys ignoring case: two keys that differ only in case would be one tag there. */
export function caseInsensitiveDuplicates(keys: readonly string[]): string[] {
  const seen = new Set<string>();
  return keys.filter((key) => {
    const folded = key.toLowerCase();
    if (seen.has(folded)) return true;
    seen.add(folded);
    return false;
  });
}

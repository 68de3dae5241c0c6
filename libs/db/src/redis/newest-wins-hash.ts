import type Redis from 'ioredis';

/**
 * Sets a hash field to a JSON value only when the value already there is older, atomically; then renews the
 * hash's TTL. "Older" compares a number each value carries under `orderProperty` (a report's sequence, or when
 * it was observed): a late or re-sent report never overwrites a newer one, whichever replica receives it.
 * KEYS[1] the hash; ARGV: field, order, JSON, TTL seconds, order property.
 */
const SET_IF_NEWER = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded[ARGV[5]]) and tonumber(decoded[ARGV[5]]) >= tonumber(ARGV[2]) then
    return 0
  end
end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
return 1
`;

export interface NewestWinsWrite<T extends object> {
  key: string;
  field: string;
  /** The value; `value[orderProperty]` is its order (a finite number). */
  value: T;
  orderProperty: keyof T & string;
  ttlSeconds: number;
}

/** True when the value was stored; false when the field held one at least as new (it is left as it was). */
export async function setHashFieldIfNewer<T extends object>(
  redis: Redis,
  write: NewestWinsWrite<T>,
): Promise<boolean> {
  const order = Number(write.value[write.orderProperty]);
  if (!Number.isFinite(order)) throw new Error(`${write.orderProperty} of the value is not a number`);
  const stored = (await redis.eval(
    SET_IF_NEWER,
    1,
    write.key,
    write.field,
    String(order),
    JSON.stringify(write.value),
    String(write.ttlSeconds),
    write.orderProperty,
  )) as number;
  return stored === 1;
}

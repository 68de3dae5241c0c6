/**
 * Lua run atomically inside Redis for the usage counters (see usage-counters.ts for the design).
 *
 * One hash per organization and period, `usage:{<org>:<YYYY-MM>}`, holds:
 *   ready            '1' once built from PostgreSQL (absent → not trustworthy: rebuild on read)
 *   snap             the PostgreSQL snapshot the build read (`xmin:xmax:xip,…`, pg_current_snapshot())
 *   s|<dep>|<dim>|i  SUM: the sum's whole units, and
 *   s|<dep>|<dim>|n  SUM: its nanounits (each add splits its total, so this never outgrows 64 bits)
 *   x|<dep>|<dim>    MAX: the largest value, nanounits zero-padded to 40 digits (string order = number order)
 *   l|<dep>|<dim>    LATEST: `<epoch ms, 15 digits>|<nanounits, 40 digits>` of the latest event
 *   u|<dep>|<dim>    UNIQUE_COUNT: '1'; the counted keys are in the set `<hash>|u|<dep>|<dim>`
 * and beside it `<hash>:building` (a rebuild in progress: its token) and `<hash>:pending` (adds buffered
 * while it runs). Every key an org-period uses shares the hash tag `{<org>:<YYYY-MM>}`.
 *
 * Operations are passed flat: `s dep dim whole nanos` | `x dep dim padded` | `l dep dim ms|padded` |
 * `u dep dim count key…`.
 */

const HELPERS = `
local function visible(xid, snap)
  local xmin, xmax, xip = string.match(snap, '^(%d+):(%d+):(.*)$')
  if xid < tonumber(xmin) then return true end
  if xid >= tonumber(xmax) then return false end
  for running in string.gmatch(xip, '%d+') do
    if tonumber(running) == xid then return false end
  end
  return true
end

local function apply(h, ops, first, expireAt)
  local i = first
  local last = #ops
  while i <= last do
    local kind = ops[i]
    local base = ops[i + 1] .. '|' .. ops[i + 2]
    if kind == 's' then
      redis.call('HINCRBY', h, 's|' .. base .. '|i', ops[i + 3])
      redis.call('HINCRBY', h, 's|' .. base .. '|n', ops[i + 4])
      i = i + 5
    elseif kind == 'x' or kind == 'l' then
      local field = kind .. '|' .. base
      local current = redis.call('HGET', h, field)
      if (not current) or ops[i + 3] > current then redis.call('HSET', h, field, ops[i + 3]) end
      i = i + 4
    elseif kind == 'u' then
      local count = tonumber(ops[i + 3])
      local set = h .. '|u|' .. base
      local stop = i + 3 + count
      local j = i + 4
      while j <= stop do
        local upto = math.min(j + 999, stop)
        redis.call('SADD', set, unpack(ops, j, upto))
        j = upto + 1
      end
      redis.call('HSET', h, 'u|' .. base, '1')
      redis.call('EXPIREAT', set, expireAt)
      i = stop + 1
    else
      error('unknown usage counter operation ' .. tostring(kind))
    end
  end
end
`;

/**
 * KEYS: hash, building marker, pending list. ARGV: xid of the committed transaction, expire-at (unix s),
 * buffer TTL (ms), operations…
 * While a rebuild runs, the add is buffered for it (it replays the add unless its snapshot saw the
 * transaction) — and still applied to the counters being replaced, should the rebuild never finish.
 * Returns 'applied', 'counted' (the counters' snapshot already saw this transaction), 'buffered', or
 * 'absent' (no counters: the next read builds them from PostgreSQL, where this transaction is committed).
 */
export const ADD_SCRIPT = `${HELPERS}
local h = KEYS[1]
local result = 'absent'
if redis.call('EXISTS', KEYS[2]) == 1 then
  local ops = {}
  for i = 4, #ARGV do ops[#ops + 1] = ARGV[i] end
  redis.call('RPUSH', KEYS[3], cjson.encode({ ARGV[1], ops }))
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
  result = 'buffered'
end
if redis.call('HEXISTS', h, 'ready') == 1 then
  if visible(tonumber(ARGV[1]), redis.call('HGET', h, 'snap')) then
    if result == 'absent' then result = 'counted' end
  else
    apply(h, ARGV, 4, ARGV[2])
    if result == 'absent' then result = 'applied' end
  end
end
return result
`;

/**
 * KEYS: hash, building marker, pending list. ARGV: the builder's token, snapshot, expire-at (unix s),
 * operations… (the totals read from PostgreSQL under that snapshot).
 * Replaces the counters with the totals, then replays the buffered adds the snapshot did not see.
 * Returns 1, or 0 when the marker is no longer this builder's (it expired and another took over).
 */
export const REBUILD_SCRIPT = `${HELPERS}
local h = KEYS[1]
if redis.call('GET', KEYS[2]) ~= ARGV[1] then return 0 end
for _, field in ipairs(redis.call('HKEYS', h)) do
  if string.sub(field, 1, 2) == 'u|' then redis.call('DEL', h .. '|' .. field) end
end
redis.call('DEL', h)
apply(h, ARGV, 4, ARGV[3])
local snap = ARGV[2]
for _, entry in ipairs(redis.call('LRANGE', KEYS[3], 0, -1)) do
  local add = cjson.decode(entry)
  if not visible(tonumber(add[1]), snap) then apply(h, add[2], 1, ARGV[3]) end
end
redis.call('HSET', h, 'snap', snap, 'ready', '1')
redis.call('EXPIREAT', h, ARGV[3])
redis.call('DEL', KEYS[2], KEYS[3])
return 1
`;

/**
 * KEYS: hash. Returns nil when the counters are not ready; otherwise the hash's fields and values, where a
 * UNIQUE_COUNT field's value is its set's cardinality — read in one atomic step.
 */
export const READ_SCRIPT = `
local h = KEYS[1]
if redis.call('HEXISTS', h, 'ready') == 0 then return false end
local flat = redis.call('HGETALL', h)
for i = 1, #flat, 2 do
  if string.sub(flat[i], 1, 2) == 'u|' then
    flat[i + 1] = tostring(redis.call('SCARD', h .. '|' .. flat[i]))
  end
end
return flat
`;

// Lua scripts: each runs atomically inside Redis, so a transition is decided and written in one
// step no matter how many bot or worker processes race for it.

/**
 * Compare-and-set on the proposal hash. KEYS[1] proposal; ARGV[1] expected version; then
 * field/value pairs. Returns 1 when written, 0 when the version moved, -1 when the key is gone.
 */
export const CAS_SCRIPT = `
local v = redis.call('HGET', KEYS[1], 'version')
if not v then return -1 end
if v ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('HINCRBY', KEYS[1], 'version', 1)
return 1
`;

/**
 * approved -> applying, at most once, within the cluster's hourly limit. KEYS[1] proposal,
 * KEYS[2] the cluster's sorted set of recent applies (score = ms). ARGV: now ms, window ms, max,
 * proposal id, now ISO, result JSON to store if the limit refuses it, stale ms.
 * An `applying` claim older than the stale time belongs to an executor that died: it is taken
 * over (its apply slot is kept, the new executor must find out whether the patch happened).
 * Returns {'ok'} | {'takeover'} | {'missing'} | {'state', state} | {'rate', count}.
 */
export const MARK_APPLYING_SCRIPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return {'missing'} end
local now = tonumber(ARGV[1])
if state == 'applying' then
  local since = tonumber(redis.call('HGET', KEYS[1], 'applyingAtMs') or '0')
  if now - since < tonumber(ARGV[7]) then return {'state', state} end
  redis.call('HSET', KEYS[1], 'applyingAt', ARGV[5], 'applyingAtMs', ARGV[1])
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  return {'takeover'}
end
if state ~= 'approved' then return {'state', state} end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - tonumber(ARGV[2]))
local n = redis.call('ZCARD', KEYS[2])
if n >= tonumber(ARGV[3]) then
  redis.call('HSET', KEYS[1], 'state', 'refused', 'result', ARGV[6])
  redis.call('HINCRBY', KEYS[1], 'version', 1)
  return {'rate', tostring(n)}
end
redis.call('ZADD', KEYS[2], now, ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('HSET', KEYS[1], 'state', 'applying', 'applyingAt', ARGV[5], 'applyingAtMs', ARGV[1])
redis.call('HINCRBY', KEYS[1], 'version', 1)
return {'ok'}
`;

/**
 * applying -> final state. KEYS[1] proposal, KEYS[2] the cluster's apply set. ARGV: state, result
 * JSON, '1' to release the apply slot (nothing was patched), proposal id, retention ms.
 * Returns 1, or 0 when the proposal is not applying.
 */
export const MARK_RESULT_SCRIPT = `
if redis.call('HGET', KEYS[1], 'state') ~= 'applying' then return 0 end
redis.call('HSET', KEYS[1], 'state', ARGV[1], 'result', ARGV[2])
redis.call('HINCRBY', KEYS[1], 'version', 1)
if ARGV[3] == '1' then redis.call('ZREM', KEYS[2], ARGV[4]) end
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

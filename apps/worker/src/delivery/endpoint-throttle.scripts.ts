/**
 * Redis Lua for the per-endpoint circuit breaker and token bucket. Each is the atomic twin of a pure
 * domain function and must compute exactly what it computes: `breakerAcquire`, `breakerRecord` and
 * `tokenBucketTake` in `libs/domain/src/delivery` (test/integration/delivery/endpoint-throttle.int-spec.ts
 * replays the same sequences through both). All times are epoch milliseconds passed in by the caller.
 */

/**
 * KEYS[1] breaker hash; ARGV now, halfOpenProbes, probeLeaseMs, ttlMs, halfOpenRecheckMs.
 * Returns {allowed 0|1, probe 0|1, retryAtMs, clean 0|1}; clean: no state at all (closed, no failures).
 */
export const BREAKER_ACQUIRE_LUA = `
local s = redis.call('HMGET', KEYS[1], 'state', 'openUntil', 'probes')
if not s[1] then return {1, 0, 0, 1} end
local state = s[1]
if state == 'closed' then return {1, 0, 0, 0} end
local now = tonumber(ARGV[1])
local probesAllowed = tonumber(ARGV[2])
local lease = tonumber(ARGV[3])
local untilMs = tonumber(s[2]) or now
local function probe(count)
  redis.call('HSET', KEYS[1], 'state', 'half-open', 'probes', count, 'openUntil', now + lease)
  redis.call('PEXPIRE', KEYS[1], ARGV[4])
  return {1, 1, 0}
end
if state == 'open' then
  if now < untilMs then return {0, 0, untilMs} end
  return probe(1)
end
if now >= untilMs then return probe(1) end
local probes = tonumber(s[3]) or 0
if probes < probesAllowed then
  redis.call('HSET', KEYS[1], 'probes', probes + 1)
  return {1, 1, 0}
end
return {0, 0, math.min(untilMs, now + tonumber(ARGV[5]))}
`;

/**
 * KEYS[1] breaker hash; ARGV outcome ('success'|'failure'), now, failureThreshold, openMs, maxOpenMs, ttlMs.
 * Returns the new state name.
 */
export const BREAKER_RECORD_LUA = `
if ARGV[1] == 'success' then
  redis.call('DEL', KEYS[1])
  return 'closed'
end
local s = redis.call('HMGET', KEYS[1], 'state', 'failures', 'trips')
local state = s[1] or 'closed'
local failures = (tonumber(s[2]) or 0) + 1
local now = tonumber(ARGV[2])
if (state == 'closed' and failures < tonumber(ARGV[3])) or state == 'open' then
  redis.call('HSET', KEYS[1], 'state', state, 'failures', failures)
  redis.call('PEXPIRE', KEYS[1], ARGV[6])
  return state
end
local trips = (tonumber(s[3]) or 0) + 1
local doublings = math.min(math.max(trips - 1, 0), 30)
local openFor = math.min(tonumber(ARGV[4]) * (2 ^ doublings), tonumber(ARGV[5]))
redis.call('HSET', KEYS[1], 'state', 'open', 'failures', failures, 'trips', trips,
  'openedAt', now, 'openUntil', now + openFor)
redis.call('HDEL', KEYS[1], 'probes')
redis.call('PEXPIRE', KEYS[1], ARGV[6])
return 'open'
`;

/**
 * KEYS[1] bucket hash; ARGV now, ratePerSec, burst, ttlMs. Returns {allowed 0|1, waitMs}.
 * Fractional tokens are stored with 17 significant digits so they round-trip like a JS number.
 */
export const TOKEN_BUCKET_LUA = `
local s = redis.call('HMGET', KEYS[1], 'tokens', 'updatedAt')
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tokens = burst
local updatedAt = now
if s[1] then
  local prevTokens = tonumber(s[1])
  local prevAt = tonumber(s[2])
  local elapsed = math.max(0, now - prevAt)
  tokens = math.min(burst, math.min(burst, prevTokens) + (elapsed * rate) / 1000)
  updatedAt = math.max(now, prevAt)
end
local allowed = 0
local waitMs = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  waitMs = math.ceil(((1 - tokens) * 1000) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'updatedAt', updatedAt)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return {allowed, waitMs}
`;

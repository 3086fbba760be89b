-- The password path of one login: may this attempt be evaluated? Counts it if so.
-- KEYS[1] consecutive-failure hash {n, last, until}, KEYS[2] attempts of this login from this IP
-- ARGV[1] now ms, ARGV[2] delay-after, ARGV[3] delay-base ms, ARGV[4] delay-max ms, ARGV[5] lock-after,
-- ARGV[6] lock-for ms, ARGV[7] per-account-ip, ARGV[8] account-ip window ms, ARGV[9] memory of failures ms
-- Returns {1, 0, n} go on | {-1, wait ms, n} growing delay | {-2, ms left, n} locked | {-3, wait ms, n} login+IP cap
local now = tonumber(ARGV[1])
local t = redis.call('HMGET', KEYS[1], 'n', 'last', 'until')
local n = tonumber(t[1] or '0')
local last = tonumber(t[2] or '0')
local lockedUntil = tonumber(t[3] or '0')
if lockedUntil > now then
  return {-2, lockedUntil - now, n}
end
if n >= tonumber(ARGV[5]) then
  -- A lock that ran out: the count starts again.
  n = 0
  redis.call('DEL', KEYS[1])
end
if n >= tonumber(ARGV[2]) then
  local delay = math.min(tonumber(ARGV[3]) * (2 ^ (n - tonumber(ARGV[2]))), tonumber(ARGV[4]))
  if now < last + delay then
    return {-1, math.ceil(last + delay - now), n}
  end
end
local fromIp = tonumber(redis.call('GET', KEYS[2]) or '0')
if fromIp >= tonumber(ARGV[7]) then
  return {-3, redis.call('PTTL', KEYS[2]), n}
end
if redis.call('INCR', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[8])
end
-- Counted before the check, so parallel attempts can never exceed the lock count between them.
n = n + 1
redis.call('HSET', KEYS[1], 'n', n, 'last', now)
if n >= tonumber(ARGV[5]) then
  redis.call('HSET', KEYS[1], 'until', now + tonumber(ARGV[6]))
end
redis.call('PEXPIRE', KEYS[1], ARGV[9])
return {1, 0, n}

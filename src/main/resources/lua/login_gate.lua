-- The password path of one login: may this attempt be checked now? Only failures count (login_settle.lua
-- records them); an attempt in flight holds a reservation, so parallel attempts can never exceed the
-- free attempts or the lock between them, and right passwords in parallel are never refused, only
-- asked to wait a moment (answer -4) while earlier attempts finish.
-- KEYS[1] consecutive-failure hash {n, last, until}, KEYS[2] failures of this login from this IP,
-- KEYS[3] reservations of this login (zset id -> expiry ms), KEYS[4] reservations of this login from this IP
-- ARGV[1] now ms, ARGV[2] delay-after, ARGV[3] delay-base ms, ARGV[4] delay-max ms, ARGV[5] lock-after,
-- ARGV[6] per-account-ip, ARGV[7] reservation id, ARGV[8] reservation lifetime ms
-- Returns {1, 0, n} go (reserved) | {-1, wait ms, n} growing delay | {-2, ms left, n} locked
--       | {-3, wait ms, n} login+IP cap | {-4, 0, n} busy: earlier attempts still in flight
local now = tonumber(ARGV[1])
-- A reservation whose instance died with it runs out by itself.
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local t = redis.call('HMGET', KEYS[1], 'n', 'last', 'until')
local n = tonumber(t[1] or '0')
local last = tonumber(t[2] or '0')
local lockedUntil = tonumber(t[3] or '0')
if lockedUntil > now then
  return {-2, lockedUntil - now, n}
end
local lockAfter = tonumber(ARGV[5])
if n >= lockAfter then
  -- A lock that ran out: the count starts again.
  n = 0
  redis.call('DEL', KEYS[1])
end
local delayAfter = tonumber(ARGV[2])
local pending = redis.call('ZCARD', KEYS[3])
if n >= delayAfter then
  -- Delays apply: one attempt at a time, each after its wait.
  if pending > 0 then
    return {-4, 0, n}
  end
  local delay = math.min(tonumber(ARGV[3]) * (2 ^ (n - delayAfter)), tonumber(ARGV[4]))
  if now < last + delay then
    return {-1, math.ceil(last + delay - now), n}
  end
elseif n + pending >= delayAfter then
  return {-4, 0, n}
end
if n + pending >= lockAfter then
  return {-4, 0, n}
end
local cap = tonumber(ARGV[6])
local fromIp = tonumber(redis.call('GET', KEYS[2]) or '0')
if fromIp >= cap then
  return {-3, redis.call('PTTL', KEYS[2]), n}
end
if fromIp + redis.call('ZCARD', KEYS[4]) >= cap then
  return {-4, 0, n}
end
local expiry = now + tonumber(ARGV[8])
redis.call('ZADD', KEYS[3], expiry, ARGV[7])
redis.call('ZADD', KEYS[4], expiry, ARGV[7])
redis.call('PEXPIRE', KEYS[3], ARGV[8])
redis.call('PEXPIRE', KEYS[4], ARGV[8])
return {1, 0, n}

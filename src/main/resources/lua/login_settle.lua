-- How a reserved password attempt (login_gate.lua) ended. 'fail' counts one failure (and may set the
-- lock), 'ok' starts the count again, 'void' (shed before the check, or a temporary password) only
-- gives the reservation back.
-- KEYS as login_gate.lua
-- ARGV[1] outcome fail | ok | void, ARGV[2] reservation id, ARGV[3] now ms, ARGV[4] lock-after,
-- ARGV[5] lock-for ms, ARGV[6] memory of failures ms, ARGV[7] account-ip window ms
-- Returns the consecutive failures after this attempt.
redis.call('ZREM', KEYS[3], ARGV[2])
redis.call('ZREM', KEYS[4], ARGV[2])
local outcome = ARGV[1]
if outcome == 'ok' then
  redis.call('DEL', KEYS[1])
  return 0
end
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if outcome ~= 'fail' then
  return n
end
local now = tonumber(ARGV[3])
n = n + 1
redis.call('HSET', KEYS[1], 'n', n, 'last', now)
if n >= tonumber(ARGV[4]) then
  redis.call('HSET', KEYS[1], 'until', now + tonumber(ARGV[5]))
end
redis.call('PEXPIRE', KEYS[1], ARGV[6])
if redis.call('INCR', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[7])
end
return n

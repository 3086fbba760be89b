-- An attempt the gate counted (login_gate.lua answered "go") whose password was never checked,
-- because the hash pool shed it: the count, and a lock that count set, are given back.
-- KEYS[1] consecutive-failure hash {n, last, until}, KEYS[2] attempts of this login from this IP
-- ARGV[1] lock-after
local n = tonumber(redis.call('HGET', KEYS[1], 'n') or '0')
if n > 0 then
  if n >= tonumber(ARGV[1]) then
    redis.call('HDEL', KEYS[1], 'until')
  end
  redis.call('HSET', KEYS[1], 'n', n - 1)
end
if tonumber(redis.call('GET', KEYS[2]) or '0') > 0 then
  redis.call('DECR', KEYS[2])
end
return n

-- Stores a new SMS code unless the number must wait: one decision, atomic.
-- KEYS[1] code, KEYS[2] resend gate, KEYS[3] hourly counter, KEYS[4] daily counter
-- ARGV[1] keyed hash of the code, ARGV[2] code ttl ms, ARGV[3] resend gate ms, ARGV[4] codes per hour, ARGV[5] hour ms,
-- ARGV[6] codes per day, ARGV[7] day ms
-- Returns {1} stored | {-1, ms to wait} resend too early | {-2, ms to wait} hourly cap reached
--       | {-3, ms to wait} daily cap reached
local wait = redis.call('PTTL', KEYS[2])
if wait > 0 then
  return {-1, wait}
end
local sent = tonumber(redis.call('GET', KEYS[3]) or '0')
if sent >= tonumber(ARGV[4]) then
  return {-2, redis.call('PTTL', KEYS[3])}
end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[6]) then
  return {-3, redis.call('PTTL', KEYS[4])}
end
-- A new code replaces the old one and starts with no wrong tries of its own.
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'h', ARGV[1], 'tries', '0')
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if tonumber(ARGV[3]) > 0 then
  redis.call('SET', KEYS[2], '1', 'PX', ARGV[3])
end
if redis.call('INCR', KEYS[3]) == 1 then
  redis.call('PEXPIRE', KEYS[3], ARGV[5])
end
if redis.call('INCR', KEYS[4]) == 1 then
  redis.call('PEXPIRE', KEYS[4], ARGV[7])
end
return {1}

-- Rotates a refresh token in one atomic step: of any number of parallel uses, one wins.
-- A token used a second time is a stolen copy or a replay: its whole family is revoked.
-- KEYS[1] presented token key, KEYS[2] next token key
-- ARGV[1] family key prefix, ARGV[2] now (epoch ms), ARGV[3] idle ttl ms
-- Returns {1, family, ttl ms, amr} | {0} unknown or expired | {-1, family} reuse
-- amr is the family's sign-in, handed to the next token; '' for a family opened before it was kept.
local t = redis.call('HMGET', KEYS[1], 'fam', 'used', 'abs', 'amr')
if not t[1] then
  return {0}
end
local famKey = ARGV[1] .. t[1]
if t[2] == '1' then
  redis.call('DEL', famKey)
  return {-1, t[1]}
end
if redis.call('EXISTS', famKey) == 0 then
  return {0}
end
local remaining = tonumber(t[3]) - tonumber(ARGV[2])
if remaining <= 0 then
  return {0}
end
-- The used token stays (with its own ttl) so that a replay is recognised.
redis.call('HSET', KEYS[1], 'used', '1')
redis.call('SET', famKey, ARGV[2], 'KEEPTTL')
local ttl = math.min(tonumber(ARGV[3]), remaining)
local amr = t[4] or ''
redis.call('HSET', KEYS[2], 'fam', t[1], 'used', '0', 'abs', t[3], 'amr', amr)
redis.call('PEXPIRE', KEYS[2], ttl)
return {1, t[1], ttl, amr}

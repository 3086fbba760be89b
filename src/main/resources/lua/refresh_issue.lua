-- Starts a refresh-token family and its first token, and files the family under its account.
-- KEYS[1] token key, KEYS[2] family key, KEYS[3] the account's set of families
-- ARGV[1] family id, ARGV[2] absolute expiry (epoch ms), ARGV[3] absolute ttl ms, ARGV[4] idle ttl ms,
-- ARGV[5] now (epoch ms): the family key holds when it last issued a token,
-- ARGV[6] the amr of the sign-in that opened the family (space-separated), passed down its tokens
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[3])
redis.call('HSET', KEYS[1], 'fam', ARGV[1], 'used', '0', 'abs', ARGV[2], 'amr', ARGV[6])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[1])
if redis.call('PTTL', KEYS[3]) < tonumber(ARGV[3]) then
  redis.call('PEXPIRE', KEYS[3], ARGV[3])
end
return 1

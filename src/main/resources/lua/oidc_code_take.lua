-- Spends an OpenID Connect authorization code once. Its grant moves to the spent marker, so that a
-- second use is told apart from an unknown code and can end what the first use issued.
-- KEYS[1] the code's grant; KEYS[2] its spent marker. ARGV[1] ms the spent marker lives.
-- Returns {1, grant} first use | {2, grant} a code already spent | {0} unknown or expired
local v = redis.call('GET', KEYS[1])
if v then
  redis.call('DEL', KEYS[1])
  redis.call('SET', KEYS[2], v, 'PX', ARGV[1])
  return {1, v}
end
local spent = redis.call('GET', KEYS[2])
if spent then
  return {2, spent}
end
return {0}

-- Puts the code that goes out into the place a request reserved (sms_issue.lua with a hash no code
-- has), only while that place is still the request's: a newer request, a use or the end of its
-- life leaves nothing to arm. Until then no code exists that anyone could guess.
-- KEYS[1] code; ARGV[1] the reserved place's hash, ARGV[2] keyed hash of the code
-- Returns 1 armed | 0 the place is gone or another's
if redis.call('HGET', KEYS[1], 'h') ~= ARGV[1] then
  return 0
end
redis.call('HSET', KEYS[1], 'h', ARGV[2])
return 1

-- Deletes a key only when it holds one of the expected values: single use of a temporary password.
-- KEYS[1] key; ARGV[1..] expected values (the keyed hash under each secrets key).
-- Returns 1 taken | 0 not there or different
local v = redis.call('GET', KEYS[1])
if not v then
  return 0
end
for i = 1, #ARGV do
  if v == ARGV[i] then
    redis.call('DEL', KEYS[1])
    return 1
  end
end
return 0

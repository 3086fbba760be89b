-- Deletes a key only when it holds the expected value: single use of a temporary password.
-- KEYS[1] key; ARGV[1] expected value. Returns 1 taken | 0 not there or different
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0

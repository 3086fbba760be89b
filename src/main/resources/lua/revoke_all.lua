-- Revokes every refresh-token family of one account (after a password change).
-- KEYS[1] the account's set of families; ARGV[1] family key prefix
local families = redis.call('SMEMBERS', KEYS[1])
for _, f in ipairs(families) do
  redis.call('DEL', ARGV[1] .. f)
end
redis.call('DEL', KEYS[1])
return #families

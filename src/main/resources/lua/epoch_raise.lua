-- Moves an account's epoch forward, never back (two instances' clocks may differ a little).
-- KEYS[1] epoch key; ARGV[1] now (ms); ARGV[2] how long to keep it (ms). Returns the epoch in force.
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local wanted = tonumber(ARGV[1])
if wanted > current then
  current = wanted
end
redis.call('SET', KEYS[1], tostring(current), 'PX', ARGV[2])
return current

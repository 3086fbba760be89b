-- Whether window_hit.lua would count one more in a fixed window, counting nothing.
-- KEYS[1] the counter; ARGV[1] its limit.
-- Returns {1} room left | {0, ms until the window ends}
local n = tonumber(redis.call('GET', KEYS[1]) or '0')
if n >= tonumber(ARGV[1]) then
  return {0, redis.call('PTTL', KEYS[1])}
end
return {1}

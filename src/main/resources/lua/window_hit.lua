-- Fixed-window counters checked together and counted together, or not at all.
-- KEYS[i] a counter; ARGV[2i-1] its limit, ARGV[2i] its window ms (all keys in one slot).
-- Returns {1} counted | {0, ms until the fullest window ends, i of that window's KEYS[i]}
local wait = -1
local full = 0
for i, key in ipairs(KEYS) do
  local n = tonumber(redis.call('GET', key) or '0')
  if n >= tonumber(ARGV[2 * i - 1]) then
    local ttl = redis.call('PTTL', key)
    if ttl > wait then
      wait = ttl
      full = i
    end
  end
end
if wait >= 0 then
  return {0, wait, full}
end
for i, key in ipairs(KEYS) do
  if redis.call('INCR', key) == 1 then
    redis.call('PEXPIRE', key, ARGV[2 * i])
  end
end
return {1}

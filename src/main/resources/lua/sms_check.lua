-- Checks a presented SMS code: right → consumed (single use); wrong → counted, and the code dies
-- at the last allowed try. Atomic, so of any number of parallel attempts at most max-tries are
-- ever compared and at most one succeeds.
-- KEYS[1] code; ARGV[1] keyed hash of the presented code, ARGV[2] max tries
-- Returns 1 right | -1 wrong | 0 no live code
local h = redis.call('HGET', KEYS[1], 'h')
if not h then
  return 0
end
if h == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
if tries >= tonumber(ARGV[2]) then
  redis.call('DEL', KEYS[1])
end
return -1

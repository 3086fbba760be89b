-- Checks a presented SMS code: right → consumed (single use); wrong → counted, and the code dies
-- at the last allowed try. Atomic, so of any number of parallel attempts at most ARGV[1] are
-- ever compared and at most one succeeds. Wrong codes also count against the number over all its
-- codes (a new code never resets that count); past max-failures no code is compared at all.
-- KEYS[1] code, KEYS[2] the number's wrong-code count
-- ARGV[1] max tries, ARGV[2] max failures, ARGV[3] failure window ms, ARGV[4..] keyed hashes of the
-- presented code, one per secrets key (a code hashed under any of them is right)
-- Returns 1 right | -1 wrong | 0 no live code | -2 too many wrong codes for this number
if tonumber(redis.call('GET', KEYS[2]) or '0') >= tonumber(ARGV[2]) then
  return -2
end
local h = redis.call('HGET', KEYS[1], 'h')
if not h then
  return 0
end
local right = false
for i = 4, #ARGV do
  if h == ARGV[i] then
    right = true
  end
end
if right then
  redis.call('DEL', KEYS[1])
  redis.call('DEL', KEYS[2])
  return 1
end
local tries = redis.call('HINCRBY', KEYS[1], 'tries', 1)
if tries >= tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
end
if redis.call('INCR', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
return -1

-- Counts one try of a second-step token before its code is judged; the count never makes a key.
-- KEYS[1] the step (hash: proved, tries); ARGV[1] tries allowed.
-- Returns {attempt, proved} | nil when the step is unknown, over, or out of tries (then deleted)
local proved = redis.call('HGET', KEYS[1], 'proved')
if not proved then
  return nil
end
local n = redis.call('HINCRBY', KEYS[1], 'tries', 1)
if n > tonumber(ARGV[1]) then
  redis.call('DEL', KEYS[1])
  return nil
end
return {n, proved}

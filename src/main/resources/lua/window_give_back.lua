-- Gives back one place that window_hit.lua counted, in the same window.
-- KEYS[1] the counter. A window that ended meanwhile is left alone: a DECR would make a counter
-- without an expiry. Returns the count after it (0 when the window is gone).
if redis.call('EXISTS', KEYS[1]) == 0 then
  return 0
end
return redis.call('DECR', KEYS[1])

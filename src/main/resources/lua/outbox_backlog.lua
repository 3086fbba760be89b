-- How far the outbox is behind, in one round trip: its entries (a message is deleted once delivered,
-- set aside or dropped, so each one left waits) and the age of the oldest, from its id's time.
-- Both times are the server's: the id's was its clock at XADD, so no instance's clock skews the age.
-- KEYS[1] the outbox stream
-- Returns {entries, ms since the oldest was added (0 when none)}
local n = redis.call('XLEN', KEYS[1])
if n == 0 then
  return {0, 0}
end
local oldest = redis.call('XRANGE', KEYS[1], '-', '+', 'COUNT', 1)
if #oldest == 0 then
  return {n, 0}
end
local added = tonumber(string.match(oldest[1][1], '^(%d+)'))
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
return {n, math.max(0, nowMs - added)}

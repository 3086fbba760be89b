-- Replaces one stream entry by a copy whose payload is sealed under the newest key, in one step:
-- no reader ever sees both or neither. An outbox entry a dispatcher may be sending right now
-- (pending, idle less than ARGV[5]) is left alone: deleting it under the sender would send the copy
-- a second time. A pending entry idle longer is acknowledged with the delete; its copy is new to
-- the group and read once, as any new message.
-- KEYS[1] stream; ARGV[1] consumer group, '' for a stream without one (the dead letters),
-- ARGV[2] entry id, ARGV[3] the payload as read, ARGV[4] the payload sealed anew, ARGV[5] min idle ms
-- Returns {1, new id} replaced | {0} gone or changed since it was read | {-1} held by a dispatcher
local entry = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
if #entry == 0 then
  return {0}
end
local fields = entry[1][2]
local p = nil
for i = 1, #fields - 1, 2 do
  if fields[i] == 'p' then
    p = i + 1
  end
end
if not p or fields[p] ~= ARGV[3] then
  return {0}
end
local pending = false
if ARGV[1] ~= '' then
  local pel = redis.pcall('XPENDING', KEYS[1], ARGV[1], ARGV[2], ARGV[2], 1)
  -- No group yet (NOGROUP): nothing was read, nothing is pending.
  if type(pel) == 'table' and not pel.err and #pel > 0 then
    if tonumber(pel[1][3]) < tonumber(ARGV[5]) then
      return {-1}
    end
    pending = true
  end
end
fields[p] = ARGV[4]
local id = redis.call('XADD', KEYS[1], '*', unpack(fields))
if pending then
  redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
end
redis.call('XDEL', KEYS[1], ARGV[2])
return {1, id}

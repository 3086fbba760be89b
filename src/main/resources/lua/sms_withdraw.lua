-- Takes back a code that was stored but will not be sent (the global SMS budget refused it): the
-- code goes, and the number gets back the resend gate and the counts sms_issue.lua took for it.
-- Only while the code is still this one: a newer code and its gate belong to another request.
-- KEYS as sms_issue.lua; ARGV[1] keyed hash of the code
-- Returns 1 taken back | 0 already replaced, used or expired
if redis.call('HGET', KEYS[1], 'h') ~= ARGV[1] then
  return 0
end
redis.call('DEL', KEYS[1])
redis.call('DEL', KEYS[2])
for i = 3, 4 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 1 then
    redis.call('DECR', KEYS[i])
  else
    redis.call('DEL', KEYS[i])
  end
end
return 1

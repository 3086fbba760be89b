-- A delivered outbox message: acknowledged and removed in one step.
-- KEYS[1] stream; ARGV[1] group, ARGV[2] message id
redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
return redis.call('XDEL', KEYS[1], ARGV[2])

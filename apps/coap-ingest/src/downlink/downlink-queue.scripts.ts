/**
 * Lua scripts of the per-endpoint downlink queue in Redis. Keys (prefix `p`, shared with the registration store):
 * dl:seen:<id> (the command id was queued once: kept until past the deadline), dl:cmd:<id> (request JSON, while
 * queued), dl:q:<endpoint> (list of ids, oldest first), dl:deadline (zset id by deadline), dl:pending (set of
 * endpoints with queued requests). Each change is one script so two instances never both take a request, and a
 * request is either queued, taken by one executor, or expired: never two of them.
 */

/**
 * ARGV: prefix, id, endpoint, json, deadline, ttlSeconds. Queues once per command id, whatever Kafka redelivers
 * (a rebalance between enqueue and offset commit hands the record to another instance): the guard dl:seen:<id> is
 * not the request itself, so taking or expiring the request leaves it, and it outlives the deadline (ttlSeconds),
 * after which the executor sends nothing anyway. An Execute or Write thus reaches the device at most once
 * (issue 16, finding 2). A dl:cmd without a guard is a request queued before the guard existed. 1 = queued.
 */
export const ENQUEUE = `
local p = ARGV[1]
if redis.call('SET', p .. 'dl:seen:' .. ARGV[2], '1', 'NX', 'EX', ARGV[6]) == false then return 0 end
if redis.call('SET', p .. 'dl:cmd:' .. ARGV[2], ARGV[4], 'NX', 'EX', ARGV[6]) == false then return 0 end
redis.call('RPUSH', p .. 'dl:q:' .. ARGV[3], ARGV[2])
redis.call('ZADD', p .. 'dl:deadline', ARGV[5], ARGV[2])
redis.call('SADD', p .. 'dl:pending', ARGV[3])
return 1
`;

/** ARGV: prefix, id, endpoint, json, deadline, ttlSeconds. Puts a taken request back at the head (lost owner). */
export const REQUEUE_HEAD = `
local p = ARGV[1]
redis.call('SET', p .. 'dl:cmd:' .. ARGV[2], ARGV[4], 'EX', ARGV[6])
redis.call('LPUSH', p .. 'dl:q:' .. ARGV[3], ARGV[2])
redis.call('ZADD', p .. 'dl:deadline', ARGV[5], ARGV[2])
redis.call('SADD', p .. 'dl:pending', ARGV[3])
return 1
`;

/** ARGV: prefix, endpoint. Takes the oldest queued request of an endpoint; returns its JSON or false. */
export const TAKE_NEXT = `
local p = ARGV[1]
local q = p .. 'dl:q:' .. ARGV[2]
while true do
  local id = redis.call('LPOP', q)
  if not id then
    redis.call('SREM', p .. 'dl:pending', ARGV[2])
    return false
  end
  redis.call('ZREM', p .. 'dl:deadline', id)
  local json = redis.call('GET', p .. 'dl:cmd:' .. id)
  redis.call('DEL', p .. 'dl:cmd:' .. id)
  if redis.call('LLEN', q) == 0 then redis.call('SREM', p .. 'dl:pending', ARGV[2]) end
  if json then return json end
end
`;

/** ARGV: prefix, now, limit. Takes up to `limit` queued requests whose deadline passed; returns their JSON. */
export const TAKE_EXPIRED = `
local p = ARGV[1]
local ids = redis.call('ZRANGEBYSCORE', p .. 'dl:deadline', '-inf', ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  redis.call('ZREM', p .. 'dl:deadline', id)
  local json = redis.call('GET', p .. 'dl:cmd:' .. id)
  redis.call('DEL', p .. 'dl:cmd:' .. id)
  if json then
    local ep = cjson.decode(json).endpoint
    local q = p .. 'dl:q:' .. ep
    redis.call('LREM', q, 1, id)
    if redis.call('LLEN', q) == 0 then redis.call('SREM', p .. 'dl:pending', ep) end
    table.insert(out, json)
  end
end
return out
`;

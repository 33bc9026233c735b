/**
 * Lua scripts of the Redis registration store: each multi-key change is one atomic script, so two instances
 * handling the same endpoint at once (re-Register through A while an Update goes through B) never leave an
 * index pointing to the wrong registration. Records are JSON strings; `p` is the key prefix.
 * Keys: reg:<id> (record), ep:<endpoint> -> id, addr:<address|port> -> id, expiry (zset id by expiresAt).
 */

/** ARGV: prefix, id, endpoint, addrKey, json, ttlSeconds, expiresAt. Returns the replaced id or false. */
export const REGISTER = `
local p = ARGV[1]
local old = redis.call('GET', p .. 'ep:' .. ARGV[3])
if old and old ~= ARGV[2] then
  local oldJson = redis.call('GET', p .. 'reg:' .. old)
  if oldJson then
    local o = cjson.decode(oldJson)
    local oldAddr = p .. 'addr:' .. o.peerAddress .. '|' .. o.peerPort
    if redis.call('GET', oldAddr) == old then redis.call('DEL', oldAddr) end
  end
  redis.call('DEL', p .. 'reg:' .. old)
  redis.call('ZREM', p .. 'expiry', old)
end
redis.call('SET', p .. 'reg:' .. ARGV[2], ARGV[5], 'EX', ARGV[6])
redis.call('SET', p .. 'ep:' .. ARGV[3], ARGV[2], 'EX', ARGV[6])
redis.call('SET', p .. 'addr:' .. ARGV[4], ARGV[2], 'EX', ARGV[6])
redis.call('ZADD', p .. 'expiry', ARGV[7], ARGV[2])
return old or false
`;

/**
 * ARGV: prefix, id, patchJson, ttlSeconds, now. Merges the patch into a live registration and refreshes every
 * key's TTL. Returns the new JSON, or false when the registration is unknown or expired.
 */
export const UPDATE = `
local p = ARGV[1]
local cur = redis.call('GET', p .. 'reg:' .. ARGV[2])
if not cur then return false end
local r = cjson.decode(cur)
if r.expiresAt <= tonumber(ARGV[5]) then return false end
local patch = cjson.decode(ARGV[3])
local oldAddr = p .. 'addr:' .. r.peerAddress .. '|' .. r.peerPort
for k, v in pairs(patch) do r[k] = v end
local newAddr = p .. 'addr:' .. r.peerAddress .. '|' .. r.peerPort
if oldAddr ~= newAddr and redis.call('GET', oldAddr) == ARGV[2] then redis.call('DEL', oldAddr) end
local json = cjson.encode(r)
redis.call('SET', p .. 'reg:' .. ARGV[2], json, 'EX', ARGV[4])
redis.call('SET', p .. 'ep:' .. r.endpoint, ARGV[2], 'EX', ARGV[4])
redis.call('SET', newAddr, ARGV[2], 'EX', ARGV[4])
redis.call('ZADD', p .. 'expiry', r.expiresAt, ARGV[2])
return json
`;

/** ARGV: prefix, id. Deletes the record and the indexes that still point to it. Returns the JSON or false. */
export const DEREGISTER = `
local p = ARGV[1]
local cur = redis.call('GET', p .. 'reg:' .. ARGV[2])
redis.call('ZREM', p .. 'expiry', ARGV[2])
if not cur then return false end
local r = cjson.decode(cur)
redis.call('DEL', p .. 'reg:' .. ARGV[2])
local ep = p .. 'ep:' .. r.endpoint
if redis.call('GET', ep) == ARGV[2] then redis.call('DEL', ep) end
local addr = p .. 'addr:' .. r.peerAddress .. '|' .. r.peerPort
if redis.call('GET', addr) == ARGV[2] then redis.call('DEL', addr) end
return cur
`;

/** ARGV: prefix, now, leaseMs, limit. Leases expired ids (score -> now + lease); returns their records. */
export const CLAIM_EXPIRED = `
local p = ARGV[1]
local now = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', p .. 'expiry', '-inf', now, 'LIMIT', 0, tonumber(ARGV[4]))
local out = {}
for _, id in ipairs(ids) do
  local json = redis.call('GET', p .. 'reg:' .. id)
  if json then
    redis.call('ZADD', p .. 'expiry', now + tonumber(ARGV[3]), id)
    table.insert(out, json)
  else
    redis.call('ZREM', p .. 'expiry', id)
  end
end
return out
`;

/** ARGV: prefix, id, now. Deletes an expired registration unless an Update renewed it meanwhile. */
export const COMPLETE_EXPIRY = `
local p = ARGV[1]
local cur = redis.call('GET', p .. 'reg:' .. ARGV[2])
if not cur then
  redis.call('ZREM', p .. 'expiry', ARGV[2])
  return 1
end
local r = cjson.decode(cur)
if r.expiresAt > tonumber(ARGV[3]) then return 0 end
redis.call('DEL', p .. 'reg:' .. ARGV[2])
redis.call('ZREM', p .. 'expiry', ARGV[2])
local ep = p .. 'ep:' .. r.endpoint
if redis.call('GET', ep) == ARGV[2] then redis.call('DEL', ep) end
local addr = p .. 'addr:' .. r.peerAddress .. '|' .. r.peerPort
if redis.call('GET', addr) == ARGV[2] then redis.call('DEL', addr) end
return 1
`;

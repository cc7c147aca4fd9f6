-- Applies one connection event of a device (or none: SWEEP) to its user's presence, atomically.
-- KEYS: 1 the user's devices hash, 2 the online sorted set, 3 the last-seen hash, 4 the changes channel (PresenceKeys)
-- ARGV: 1 userId, 2 deviceId, 3 event type, 4 connectionId, 5 event time (ms), 6 device TTL (ms), 7 now (ms)
-- A device entry is "<connectionId> <lastSeen ms> <active 1|0>". Returns 1 when the user is online afterwards.
-- When the user comes online (absent from the online set, or there with a score in the past) or leaves the set, its
-- userId is published on the channel KEYS[4] (gateways push the change to the sockets that follow the user).
local user, device, kind, conn = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local at, ttl, now = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])

local function parse(entry)
  local c, seen, active = string.match(entry, '^(%S+) (%d+) ([01])$')
  return c, tonumber(seen), active
end

local function put(c, seen, active)
  redis.call('HSET', KEYS[1], device, c .. ' ' .. string.format('%d', seen) .. ' ' .. active)
end

local current = kind ~= 'SWEEP' and redis.call('HGET', KEYS[1], device) or false
local curConn, curSeen, curActive
if current then
  curConn, curSeen, curActive = parse(current)
  if curSeen == nil or curSeen + ttl <= now then
    -- a socket that was not seen for the TTL is gone, whatever this event says of it (an entry that does not parse
    -- is dropped the same way)
    current = false
  end
end

if kind == 'CONNECTED' then
  put(conn, at, '1')
elseif kind == 'HEARTBEAT' then
  if current and curConn == conn then
    put(conn, math.max(at, curSeen), curActive)
  elseif not current then
    -- the socket lives although its CONNECTED was missed or had expired (this service lagged or started late)
    put(conn, at, '1')
  end
  -- else: a late heartbeat of a replaced socket, which must not override the newer one
elseif kind == 'DISCONNECTED' then
  if current and curConn == conn then
    redis.call('HDEL', KEYS[1], device)
  end
elseif kind == 'DEVICE_REMOVED' then
  redis.call('HDEL', KEYS[1], device)
elseif kind == 'ACTIVE' or kind == 'INACTIVE' then
  if current then
    put(curConn, math.max(at, curSeen), kind == 'ACTIVE' and '1' or '0')
  end
end

-- the user's online-until: the latest lastSeen + TTL of its active devices; stale devices leave on the way
local entries = redis.call('HGETALL', KEYS[1])
local onlineUntil, lastSeen = 0, 0
for i = 1, #entries, 2 do
  local _, seen, active = parse(entries[i + 1])
  if seen == nil or seen + ttl <= now then
    redis.call('HDEL', KEYS[1], entries[i])
  elseif active == '1' then
    onlineUntil = math.max(onlineUntil, seen + ttl)
    lastSeen = math.max(lastSeen, seen)
  end
end

local previous = tonumber(redis.call('ZSCORE', KEYS[2], user) or '0')
local known = tonumber(redis.call('HGET', KEYS[3], user) or '0')
if onlineUntil > 0 then
  redis.call('ZADD', KEYS[2], onlineUntil, user)
  if previous <= now then
    -- absent, or stale (past its TTL, not swept yet): either way readers saw the user offline until now
    redis.call('PUBLISH', KEYS[4], user)
  end
  if lastSeen > known then
    redis.call('HSET', KEYS[3], user, string.format('%d', lastSeen))
  end
  return 1
end
if previous > 0 then
  redis.call('ZREM', KEYS[2], user)
  redis.call('PUBLISH', KEYS[4], user)
  -- offline by this event (its time), or by a TTL that ran out (the last time a device was seen)
  local wentOffline = previous - ttl
  if previous > now then
    wentOffline = at
  end
  if wentOffline > known then
    redis.call('HSET', KEYS[3], user, string.format('%d', wentOffline))
  end
end
return 0

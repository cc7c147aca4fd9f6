-- Applies one connection event of a device (or none: SWEEP) to its user's presence, atomically.
-- KEYS: 1 the user's devices hash, 2 the online sorted set, 3 the last-seen hash, 4 the changes channel,
--       5 the gateway incarnations hash (PresenceKeys)
-- ARGV: 1 userId, 2 deviceId, 3 event type, 4 connectionId, 5 event time (ms), 6 device TTL (ms), 7 now (ms),
--       8 the gateway incarnation of the event's socket, 9 the prefix of the per-incarnation user sets,
--       10 the online score "until swept" (PresenceKeys.UNTIL_SWEPT)
-- A device entry is "<connectionId> <seen ms> <active 1|0> <incarnation>" (seen: its CONNECTED or last activity
-- change). A device is alive while the later of its seen and its incarnation's last NODE_ALIVE is less than a TTL
-- ago. A user is online while it has an alive active device: its score in the online set is then FOREVER, or, when
-- its incarnation is unknown here (never heard of, or already forgotten as dead), that device's seen + TTL, which
-- the stale sweep takes care of. The users of each incarnation are kept in a set, so that the sweep of a dead
-- incarnation finds them. Returns 1 when the user is online afterwards.
-- When the user comes online (absent from the online set, or there with a score in the past) or leaves the set, its
-- userId is published on the channel KEYS[4] (gateways push the change to the sockets that follow the user).
local user, device, kind, conn = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local at, ttl, now = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local incarnation, usersOf = ARGV[8], ARGV[9]
local FOREVER = tonumber(ARGV[10])

local heard = {}
local function nodeSeen(inc)
  if heard[inc] == nil then
    heard[inc] = tonumber(redis.call('HGET', KEYS[5], inc) or '-1')
  end
  return heard[inc]
end

local function parse(entry)
  local c, seen, active, inc = string.match(entry, '^(%S+) (%d+) ([01]) (%S+)$')
  if c == nil then
    -- an entry from before node liveness: no incarnation, alive for a TTL after its last heartbeat
    c, seen, active = string.match(entry, '^(%S+) (%d+) ([01])$')
    inc = '-'
  end
  return c, tonumber(seen), active, inc
end

-- the last moment the device is known alive, and whether its incarnation is known here
local function aliveAt(seen, inc)
  local node = nodeSeen(inc)
  return math.max(seen, node), node >= 0
end

local function put(c, seen, active, inc)
  redis.call('HSET', KEYS[1], device, c .. ' ' .. string.format('%d', seen) .. ' ' .. active .. ' ' .. inc)
end

local before = {}
local entries = redis.call('HGETALL', KEYS[1])
for i = 1, #entries, 2 do
  local _, _, _, inc = parse(entries[i + 1])
  if inc then
    before[inc] = true
  end
end

local current = kind ~= 'SWEEP' and redis.call('HGET', KEYS[1], device) or false
local curConn, curSeen, curActive, curInc
if current then
  curConn, curSeen, curActive, curInc = parse(current)
  if curSeen == nil or aliveAt(curSeen, curInc) + ttl <= now then
    -- a socket whose incarnation went silent for the TTL is gone, whatever this event says of it (an entry that
    -- does not parse is dropped the same way)
    current = false
  end
end

-- set when this event itself takes a live device offline: the user's last seen is then the event's time
local offlineAt = 0
if kind == 'CONNECTED' then
  put(conn, at, '1', incarnation)
elseif kind == 'DISCONNECTED' then
  if current and curConn == conn then
    redis.call('HDEL', KEYS[1], device)
    offlineAt = at
  end
  -- else: a late DISCONNECTED of a replaced socket, which must not take the newer one away
elseif kind == 'DEVICE_REMOVED' then
  redis.call('HDEL', KEYS[1], device)
  if current then
    offlineAt = at
  end
elseif kind == 'ACTIVE' or kind == 'INACTIVE' then
  if current then
    put(curConn, math.max(at, curSeen), kind == 'ACTIVE' and '1' or '0', curInc)
    if kind == 'INACTIVE' then
      offlineAt = at
    end
  end
end
-- HEARTBEAT (no longer sent; liveness is the incarnation's) and SWEEP change no device

-- re-derive the user: devices whose incarnation went silent leave on the way
entries = redis.call('HGETALL', KEYS[1])
local onlineUntil, lastSeen, after = 0, 0, {}
for i = 1, #entries, 2 do
  local _, seen, active, inc = parse(entries[i + 1])
  local alive, known = 0, false
  if seen ~= nil then
    alive, known = aliveAt(seen, inc)
  end
  if seen == nil or alive + ttl <= now then
    redis.call('HDEL', KEYS[1], entries[i])
    if seen ~= nil and active == '1' then
      offlineAt = math.max(offlineAt, alive)
    end
  else
    after[inc] = true
    if active == '1' then
      onlineUntil = math.max(onlineUntil, known and FOREVER or (seen + ttl))
      lastSeen = math.max(lastSeen, seen)
    end
  end
end

for inc in pairs(before) do
  if not after[inc] and inc ~= '-' then
    redis.call('SREM', usersOf .. inc, user)
  end
end
for inc in pairs(after) do
  if not before[inc] and inc ~= '-' then
    redis.call('SADD', usersOf .. inc, user)
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
  -- offline by this event (its time), or because its devices' incarnations went silent (the last moment one of
  -- them was known alive), or by a finite score that ran out (seen + TTL)
  local wentOffline = offlineAt
  if wentOffline == 0 then
    wentOffline = previous < FOREVER and math.min(previous - ttl, at) or at
  end
  if wentOffline > known then
    redis.call('HSET', KEYS[3], user, string.format('%d', wentOffline))
  end
end
return 0

/**
 * Lua scripts: the few writes that must be atomic. Kept together so the whole set of
 * multi-key invariants is visible in one place.
 */

/**
 * Creates a peering with its operation, if its clusters exist and its uniqueness locks are free.
 * KEYS: peering, index, operation, outbox, then nClusters cluster keys, nLocks lock keys,
 *       nClusters usage sets, then the team's index and the operations index.
 * ARGV: id, peeringJson, operationId, operationJson, nowMs, nLocks, nClusters
 * Returns {'ok'} | {'missing_cluster', key} | {'locked', key, holderId}.
 */
export const CREATE_PEERING = `
local id = ARGV[1]
local nLocks = tonumber(ARGV[6])
local nClusters = tonumber(ARGV[7])
local clusterStart = 5
local lockStart = clusterStart + nClusters
local usageStart = lockStart + nLocks
for i = clusterStart, lockStart - 1 do
  if redis.call('EXISTS', KEYS[i]) == 0 then return {'missing_cluster', KEYS[i]} end
end
for i = lockStart, usageStart - 1 do
  local holder = redis.call('GET', KEYS[i])
  if holder then return {'locked', KEYS[i], holder} end
end
for i = lockStart, usageStart - 1 do redis.call('SET', KEYS[i], id) end
for i = usageStart, usageStart + nClusters - 1 do redis.call('SADD', KEYS[i], id) end
redis.call('HSET', KEYS[1], 'v', 1, 'json', ARGV[2])
redis.call('ZADD', KEYS[2], 0, id)
if KEYS[usageStart + nClusters] then redis.call('ZADD', KEYS[usageStart + nClusters], 0, id) end
if KEYS[usageStart + nClusters + 1] then redis.call('ZADD', KEYS[usageStart + nClusters + 1], 0, ARGV[3]) end
redis.call('SET', KEYS[3], ARGV[4])
redis.call('ZADD', KEYS[4], ARGV[5], ARGV[3])
return {'ok'}
`;

/**
 * Compare-and-set of a versioned JSON hash {v, json}.
 * Returns 1 (written), 0 (version moved on: read again) or -1 (gone).
 */
export const COMPARE_AND_SET = `
local v = redis.call('HGET', KEYS[1], 'v')
if not v then return -1 end
if tonumber(v) ~= tonumber(ARGV[1]) then return 0 end
redis.call('HSET', KEYS[1], 'v', tonumber(v) + 1, 'json', ARGV[2])
return 1
`;

/** Deletes each key in KEYS whose value is still ARGV[1] (releases locks held by one owner). */
export const RELEASE_IF_HELD = `
local released = 0
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('DEL', KEYS[i])
    released = released + 1
  end
end
return released
`;

/** Extends a lease held by ARGV[1] to ARGV[2] ms; 0 when another owner holds it. */
export const RENEW_IF_HELD = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`;

/** Removes a cluster unless a peering uses it. KEYS: cluster, clusters set, usage set. ARGV: id. */
export const REMOVE_UNUSED_CLUSTER = `
if redis.call('SCARD', KEYS[3]) > 0 then return 0 end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], ARGV[1])
return 1
`;

/**
 * Takes one of ARGV[1] slots of a counting semaphore held as a sorted set of leases (score =
 * expiry in ms). Expired leases (a process that died holding one) are dropped first.
 * KEYS[1]: the set. ARGV: limit, nowMs, leaseMs, token. Returns 1 when taken.
 */
export const TAKE_SLOT = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], tonumber(ARGV[2]) + tonumber(ARGV[3]), ARGV[4])
return 1
`;

/**
 * Writes an operation record and keeps it in the operations index, as one command: a script
 * rides the command connection's automatic pipeline with the commands around it, where a MULTI
 * costs a write to the socket of its own. KEYS: the operation, the operations index. ARGV: json,
 * id, seconds to live (0: no expiry).
 */
export const SAVE_OPERATION = `
if tonumber(ARGV[3]) > 0 then redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3]) else redis.call('SET', KEYS[1], ARGV[1]) end
redis.call('ZADD', KEYS[2], 0, ARGV[2])
return 1
`;

/**
 * Moves one peering from state ARGV[1] (empty: it is new) to state ARGV[2] in the counts hash
 * KEYS[1], both at once.
 */
export const MOVE_COUNT = `
if ARGV[1] ~= '' then redis.call('HINCRBY', KEYS[1], ARGV[1], -1) end
redis.call('HINCRBY', KEYS[1], ARGV[2], 1)
return 1
`;

/**
 * Appends events to their peerings' histories and publishes each on the live channel, all at
 * once; each PUBLISH follows its RPUSH, so a reader that misses an event live finds it in the list.
 * KEYS: one history list per event. ARGV: the most a list keeps, seconds a deleted peering's list
 * lives, the channel, then per event: its history item, its published form, '1' to set the expiry.
 */
export const APPEND_EVENTS = `
local max = tonumber(ARGV[1])
for i = 1, #KEYS do
  local at = 4 + (i - 1) * 3
  redis.call('RPUSH', KEYS[i], ARGV[at])
  redis.call('LTRIM', KEYS[i], -max, -1)
  if ARGV[at + 2] == '1' then redis.call('EXPIRE', KEYS[i], ARGV[2]) end
  redis.call('PUBLISH', ARGV[3], ARGV[at + 1])
end
return #KEYS
`;

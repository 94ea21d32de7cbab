import { createHash } from "node:crypto";

/**
 * The whole check-and-count as one Lua script, so a turn costs one round trip and
 * two instances can never both take the last turn of a budget (Redis runs a
 * script atomically).
 *
 * KEYS[1] turns started   (ZSET: turn id -> start time, ms)
 * KEYS[2] turns running   (ZSET: turn id -> lease end, ms)
 * ARGV    window ms, budget turns, concurrency cap, lease ms, turn id
 *
 * The clock is Redis's own (`TIME`), not each instance's: instances whose clocks
 * disagree would otherwise each see a different window. (Redis >= 5 replicates a
 * script's effects, not the script, so `TIME` before a write is allowed.)
 *
 * Returns {1, used} when counted, {0, "budget"|"concurrency", retry-after ms} when refused.
 */
export const TURN_LIMIT_SCRIPT = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local budget = tonumber(ARGV[2])
local cap = tonumber(ARGV[3])
local lease = tonumber(ARGV[4])

redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)

local used = redis.call('ZCARD', KEYS[1])
if used >= budget then
  -- The turn that must leave the window before one more fits.
  local edge = redis.call('ZRANGE', KEYS[1], used - budget, used - budget, 'WITHSCORES')
  return {0, 'budget', tonumber(edge[2]) + window - now}
end
if redis.call('ZCARD', KEYS[2]) >= cap then
  return {0, 'concurrency', 1000}
end

redis.call('ZADD', KEYS[1], now, ARGV[5])
redis.call('ZADD', KEYS[2], now + lease, ARGV[5])
-- The newest member lives longest, so each key may go once it has expired.
redis.call('PEXPIRE', KEYS[1], window)
redis.call('PEXPIRE', KEYS[2], lease)
return {1, used + 1}
`;

export const TURN_LIMIT_SCRIPT_SHA1 = createHash("sha1").update(TURN_LIMIT_SCRIPT).digest("hex");

export type ScriptReply = [1, number] | [0, "budget" | "concurrency", number];

/**
 * Both keys of a user share a hash tag (`{userId}`), so on Redis Cluster they live
 * in one slot and the script may touch both.
 */
export function turnKeys(prefix: string, userId: string): [started: string, running: string] {
  return [`${prefix}{${userId}}:started`, `${prefix}{${userId}}:running`];
}

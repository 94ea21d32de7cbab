import { createHash } from "node:crypto";

/**
 * The limiter's checks as Lua scripts: each is one round trip and atomic (Redis runs a
 * script alone), so two instances can never both take the last turn of a budget.
 *
 * The clock is Redis's own (`TIME`), not each instance's: instances whose clocks
 * disagree would otherwise each see a different window. (Redis >= 5 replicates a
 * script's effects, not the script, so `TIME` before a write is allowed.)
 *
 * Every budget is a sliding window kept as a sorted set (member -> start, ms): drop what
 * left the window, count, and when full, the member that must leave before one more fits
 * says when to come back. A refusal counts nothing.
 */

export type Script = { body: string; sha1: string };

const script = (body: string): Script => ({ body, sha1: createHash("sha1").update(body).digest("hex") });

const PRELUDE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- ms until one more fits in the window of KEY (0: it fits now)
local function wait(key, window, budget)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  local used = redis.call('ZCARD', key)
  if used < budget then return 0 end
  local edge = redis.call('ZRANGE', key, used - budget, used - budget, 'WITHSCORES')
  return math.max(1, tonumber(edge[2]) + window - now)
end
local function count(key, member, window)
  redis.call('ZADD', key, now, member)
  -- the newest member lives longest, so the key may go once it has expired
  redis.call('PEXPIRE', key, window)
end
`;

/**
 * A chat turn.
 * KEYS  1 user started, 2 user running, 3 address turns, 4 global turns, 5 gone marker,
 *       6 refusal-traced flag, 7 untraced-refusal count
 * ARGV  1 tier window, 2 tier budget, 3 concurrency cap, 4 lease (ms), 5 turn id,
 *       6 address window, 7 address budget (0: address unknown, skipped), 8 global window,
 *       9 global budget, 10 refusal trace window, 11 untraced count ttl (ms)
 * Returns {1, refusals untraced} when counted; {0, reason, wait ms, traced 0|1, count} when
 * refused; {0, 'gone'} for a deleted conversation (nothing touched: it must stay unseen).
 */
export const TURN_SCRIPT = script(`${PRELUDE}
if redis.call('EXISTS', KEYS[5]) == 1 then return {0, 'gone'} end
local reason, ms = nil, 0
ms = wait(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
if ms > 0 then reason = 'budget' end
if not reason and tonumber(ARGV[7]) > 0 then
  ms = wait(KEYS[3], tonumber(ARGV[6]), tonumber(ARGV[7]))
  if ms > 0 then reason = 'address' end
end
if not reason then
  ms = wait(KEYS[4], tonumber(ARGV[8]), tonumber(ARGV[9]))
  if ms > 0 then reason = 'global' end
end
if not reason then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then reason, ms = 'concurrency', 1000 end
end
if reason then
  -- one traced refusal per user per trace window; the others only add to a count
  if redis.call('SET', KEYS[6], '1', 'NX', 'PX', ARGV[10]) then
    local untraced = tonumber(redis.call('GET', KEYS[7]) or '0')
    redis.call('DEL', KEYS[7])
    return {0, reason, ms, 1, untraced}
  end
  local untraced = redis.call('INCR', KEYS[7])
  redis.call('PEXPIRE', KEYS[7], ARGV[11])
  return {0, reason, ms, 0, untraced}
end
count(KEYS[1], ARGV[5], tonumber(ARGV[1]))
if tonumber(ARGV[7]) > 0 then count(KEYS[3], ARGV[5], tonumber(ARGV[6])) end
count(KEYS[4], ARGV[5], tonumber(ARGV[8]))
redis.call('ZADD', KEYS[2], now + tonumber(ARGV[4]), ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local untraced = tonumber(redis.call('GET', KEYS[7]) or '0')
redis.call('DEL', KEYS[7])
return {1, untraced}
`);

export type TurnReply = [1, number] | [0, "gone"] | [0, "budget" | "address" | "global" | "concurrency", number, 0 | 1, number];

/**
 * A new visitor (a user minted on a page load) from one address.
 * KEYS  1 address visitors, 2 refusal-logged flag
 * ARGV  1 window (ms), 2 budget, 3 member id
 * Returns {1} when admitted; {0, wait ms, first refusal in the window 0|1} when refused.
 */
export const VISITOR_SCRIPT = script(`${PRELUDE}
local ms = wait(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
if ms == 0 then
  count(KEYS[1], ARGV[3], tonumber(ARGV[1]))
  return {1}
end
local first = redis.call('SET', KEYS[2], '1', 'NX', 'PX', ARGV[1]) and 1 or 0
return {0, ms, first}
`);

export type VisitorReply = [1] | [0, number, 0 | 1];

/**
 * A vote, rating or delete.
 * KEYS  1 user writes, 2 address writes, 3 gone marker, 4 vote record (HASH)
 * ARGV  1 user window, 2 user budget, 3 address window, 4 address budget (0: skipped),
 *       5 write id (the sets' member), 6 refuse a deleted conversation 0|1, 7 a vote on KEYS[4] 0|1,
 *       8 vote record ttl (ms)
 * Returns {1, now, queued ms or 0}; {0, 'user'|'address', wait ms}; {0, 'gone'}.
 */
export const WRITE_SCRIPT = script(`${PRELUDE}
if ARGV[6] == '1' and redis.call('EXISTS', KEYS[3]) == 1 then return {0, 'gone'} end
local ms = wait(KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]))
if ms > 0 then return {0, 'user', ms} end
if tonumber(ARGV[4]) > 0 then
  ms = wait(KEYS[2], tonumber(ARGV[3]), tonumber(ARGV[4]))
  if ms > 0 then return {0, 'address', ms} end
  count(KEYS[2], ARGV[5], tonumber(ARGV[3]))
end
count(KEYS[1], ARGV[5], tonumber(ARGV[1]))
local queued = 0
if ARGV[7] == '1' then
  queued = tonumber(redis.call('HGET', KEYS[4], 'queued') or '0')
  -- the write's own id: a later vote, comment or undo replaces it, and its deferred repeat then stands down
  redis.call('HSET', KEYS[4], 'last', ARGV[5])
  redis.call('PEXPIRE', KEYS[4], ARGV[8])
end
return {1, now, queued}
`);

export type WriteReply = [1, number, number] | [0, "user" | "address", number] | [0, "gone"];

/**
 * Phoenix queued a vote. KEYS 1 vote record; ARGV 1 ttl (ms). Returns the time (ms).
 */
export const QUEUED_VOTE_SCRIPT = script(`${PRELUDE}
redis.call('HSET', KEYS[1], 'queued', now)
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return now
`);

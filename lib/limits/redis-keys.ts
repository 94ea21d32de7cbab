/**
 * The limiter's Redis keys. Every key carries the same hash tag, the prefix in braces
 * (`{chat:limits}:...`), so on Redis Cluster all of them live in one slot: a Lua script
 * may only touch keys of one slot, and one atomic check of a user's, an address's and the
 * global budget needs them together. The cost is that the limiter's load sits on one
 * shard; it is one script call per turn (the global budget is one hot key anyway).
 */
export function limitKeys(prefix: string) {
  const tag = `{${prefix.replace(/:+$/, "")}}`;
  return {
    /** ZSET turn id -> start (ms): the user's turns in the tier window. */
    userTurns: (userId: string) => `${tag}:user:${userId}:started`,
    /** ZSET turn id -> lease end (ms): the user's turns running now. */
    userRunning: (userId: string) => `${tag}:user:${userId}:running`,
    /** "1" while a refusal of this user has been traced in the current trace window. */
    refusalTraced: (userId: string) => `${tag}:user:${userId}:refusal-traced`,
    /** Refusals of this user counted but not traced since their last traced span. */
    untracedRefusals: (userId: string) => `${tag}:user:${userId}:refusals-untraced`,
    /** ZSET: every user's turns from one address. */
    addressTurns: (address: string) => `${tag}:address:${address}:turns`,
    /** ZSET: everyone's turns (the spend cap). */
    globalTurns: () => `${tag}:global:turns`,
    /** ZSET: users minted from one address. */
    addressVisitors: (address: string) => `${tag}:address:${address}:visitors`,
    /** "1" once a visitor refusal for this address was logged in the window. */
    visitorRefusalLogged: (address: string) => `${tag}:address:${address}:visitors-refused`,
    /** ZSETs: votes, ratings and deletes of one user, and of one address. */
    userWrites: (userId: string) => `${tag}:user:${userId}:writes`,
    addressWrites: (address: string) => `${tag}:address:${address}:writes`,
    /** HASH of a user's vote on one trace or session: when last queued (ms), and the last write (feedback's guard against Phoenix's queue). */
    vote: (userId: string, target: string) => `${tag}:user:${userId}:vote:${target}`,
    /** Present while a deleted conversation's session id is remembered. */
    gone: (sessionId: string) => `${tag}:gone:${sessionId}`,
    /** Stands for an unknown address: declared to the script (Cluster wants every key named) but never written. */
    noAddress: () => `${tag}:address:-:unused`,
  };
}

export type LimitKeys = ReturnType<typeof limitKeys>;

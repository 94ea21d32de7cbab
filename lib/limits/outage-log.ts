/**
 * One log line when the limit store stops answering and one when it answers again,
 * however many turns, reconnect attempts and socket errors happen in between.
 * (node-redis emits an `error` event on every failed reconnect attempt: logging each
 * would write a line every couple of seconds for as long as Redis is down.)
 */
export type OutageLog = {
  /** Something failed; logs only on the first failure after being up. */
  down(reason: string): void;
  /** Something succeeded; logs only if the last thing logged was a failure. */
  up(): void;
  readonly isDown: boolean;
};

export function createOutageLog(what: string, log: (line: string) => void): OutageLog {
  let isDown = false;
  return {
    down(reason) {
      if (isDown) return;
      isDown = true;
      log(`[limits] ${what} unreachable (${reason}): nothing is limited until it answers again (fail open)`);
    },
    up() {
      if (!isDown) return;
      isDown = false;
      log(`[limits] ${what} answers again: the limits hold again`);
    },
    get isDown() {
      return isDown;
    },
  };
}

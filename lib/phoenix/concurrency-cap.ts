/**
 * At most `max` calls in flight; a call that finds every slot taken waits up to
 * `waitMs` for one, then gives up. Never an unbounded queue: when Phoenix slows down,
 * a flood of votes fails fast instead of piling up sockets and memory behind it.
 */
export type ConcurrencyCap = {
  /** Runs `task` in a slot, or answers `busy` without running it. */
  run<T>(task: () => Promise<T>): Promise<T | typeof BUSY>;
  readonly inFlight: number;
};

export const BUSY = Symbol("busy");

export function createConcurrencyCap(max: number, waitMs: number): ConcurrencyCap {
  let inFlight = 0;
  // Waiting callers, oldest first; each resolves with whether it got the slot.
  const waiting: ((granted: boolean) => void)[] = [];
  // Waiters beyond this are refused at once: the wait is bounded in length too, not only in time.
  const maxWaiting = max * 4;

  const acquire = (): Promise<boolean> => {
    if (inFlight < max) {
      inFlight++;
      return Promise.resolve(true);
    }
    if (waiting.length >= maxWaiting) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const entry = (granted: boolean) => {
        clearTimeout(timer);
        resolve(granted);
      };
      const timer = setTimeout(() => {
        const index = waiting.indexOf(entry);
        if (index !== -1) waiting.splice(index, 1);
        resolve(false);
      }, waitMs);
      waiting.push(entry);
    });
  };

  const release = () => {
    const next = waiting.shift();
    // The slot passes straight to the next waiter: `inFlight` stays the same.
    if (next) next(true);
    else inFlight--;
  };

  return {
    async run(task) {
      if (!(await acquire())) return BUSY;
      try {
        return await task();
      } finally {
        release();
      }
    },
    get inFlight() {
      return inFlight;
    },
  };
}

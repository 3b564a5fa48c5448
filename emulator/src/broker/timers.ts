/** Timers for broker deadlines (locks, schedules, expiry) that may lie beyond setTimeout's 24.8-day limit. */

const MAX_TIMEOUT_MS = 2_147_483_647;

/** A clock and timer source, injected so the broker never reads global time directly. */
export interface BrokerClock {
  now(): number;
}

export const systemClock: BrokerClock = { now: () => Date.now() };

/**
 * Runs `callback` at `atMs` (clock time); returns a function that cancels it. Timers are unref'd so that
 * they never keep a process alive on their own. Infinity never fires.
 */
export function runAt(clock: BrokerClock, atMs: number, callback: () => void): () => void {
  if (!Number.isFinite(atMs)) return () => undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    const delay = atMs - clock.now();
    if (delay > MAX_TIMEOUT_MS) {
      timer = setTimeout(arm, MAX_TIMEOUT_MS);
    } else {
      timer = setTimeout(callback, Math.max(0, delay));
    }
    timer.unref();
  };
  arm();
  return () => {
    if (timer) clearTimeout(timer);
  };
}

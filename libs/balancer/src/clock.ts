/** An opaque handle returned by {@link Clock.setTimeout}. */
export type TimerHandle = object;

/**
 * Time and timers as the balancer sees them. Injected so tests drive cool-downs, DNS refreshes and probe rounds
 * with a manual clock instead of waiting.
 */
export interface Clock {
  /** Milliseconds; only differences matter. */
  now(): number;
  /** Runs `callback` once after `ms`; a real timer must not keep the process alive. */
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

const MAX_TIMER_MS = 2 ** 31 - 1;

/** Wall-clock time and unref'd Node timers. */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    // Node fires anything beyond 2^31-1 ms after 1 ms, so longer waits are clamped rather than cut short.
    const timer = setTimeout(callback, Math.min(Math.max(ms, 0), MAX_TIMER_MS));
    timer.unref();
    return timer;
  },
  clearTimeout(handle) {
    clearTimeout(handle as NodeJS.Timeout);
  },
};

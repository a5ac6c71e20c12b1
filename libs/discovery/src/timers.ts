/** Milliseconds since the epoch; injectable so tests drive time. */
export interface Clock {
  now(): number;
}

/** An armed timer; only `cancel` is needed. */
export interface TimerHandle {
  cancel(): void;
}

/** Schedules callbacks; injectable so tests fire them by advancing a manual clock. */
export interface Timers {
  after(ms: number, callback: () => void): TimerHandle;
}

export const systemClock: Clock = { now: () => Date.now() };

/** Real timers, unref'd: a pending grace period or retry never keeps the process alive on its own. */
export const systemTimers: Timers = {
  after(ms, callback) {
    const timer = setTimeout(callback, Math.max(0, ms));
    timer.unref();
    return { cancel: () => clearTimeout(timer) };
  },
};

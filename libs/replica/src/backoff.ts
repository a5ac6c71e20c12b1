export interface BackoffOptions {
  /** First delay, default 200 ms. */
  readonly minMs?: number;
  /** Largest delay, default 10000 ms: a backend that comes back is noticed within this. */
  readonly maxMs?: number;
}

/**
 * Exponential backoff with jitter (so that many processes retrying against one backend spread out), and a sleep
 * that `abort()` cuts short, so closing never waits out a long delay.
 */
export class Backoff {
  private failures = 0;
  private readonly waking = new Set<() => void>();
  private aborted = false;

  constructor(private readonly options: BackoffOptions = {}) {}

  /** The delay before the next attempt; grows with each call until `reset()`. */
  nextDelayMs(): number {
    const min = this.options.minMs ?? 200;
    const max = this.options.maxMs ?? 10_000;
    const base = Math.min(max, min * 2 ** Math.min(this.failures, 30));
    this.failures++;
    return Math.round(base * (0.8 + Math.random() * 0.2));
  }

  get attempts(): number {
    return this.failures;
  }

  reset(): void {
    this.failures = 0;
  }

  /** Sleeps for the next delay; resolves early (false) once aborted. */
  async wait(): Promise<boolean> {
    if (this.aborted) return false;
    const delay = this.nextDelayMs();
    await new Promise<void>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.waking.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, delay);
      this.waking.add(wake);
    });
    return !this.aborted;
  }

  /** Wakes every sleeper and makes later waits return at once. */
  abort(): void {
    this.aborted = true;
    for (const wake of [...this.waking]) wake();
  }
}

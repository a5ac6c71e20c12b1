export interface RetryOptions {
  /** First delay after a failed append, default 250 ms. */
  readonly minDelayMs?: number;
  /** Largest delay, default 5000 ms: a log that comes back is noticed within this. */
  readonly maxDelayMs?: number;
  /** Consecutive failed attempts after which retrying stops (the desired state is kept); default unlimited. */
  readonly maxAttempts?: number;
}

/**
 * Exponential delays between append retries, capped. Deterministic (no jitter): one discovery leader writes,
 * so there is no herd to spread.
 */
export class RetryDelay {
  private failures = 0;
  private readonly min: number;
  private readonly max: number;
  private readonly maxAttempts: number;

  constructor(options: RetryOptions = {}) {
    this.min = options.minDelayMs ?? 250;
    this.max = options.maxDelayMs ?? 5_000;
    this.maxAttempts = options.maxAttempts ?? Number.POSITIVE_INFINITY;
  }

  /** Counts a failure; the delay before the next attempt, or undefined once `maxAttempts` is reached. */
  failed(): number | undefined {
    this.failures++;
    if (this.failures >= this.maxAttempts) return undefined;
    return Math.min(this.max, this.min * 2 ** Math.min(this.failures - 1, 30));
  }

  succeeded(): void {
    this.failures = 0;
  }

  get consecutiveFailures(): number {
    return this.failures;
  }
}

import { setTimeout as delay } from 'node:timers/promises';

/** Uniform in [0, 1); injectable so tests get reproducible jitter. */
export type Random = () => number;

export interface BackoffOptions {
  /** First delay after a failure; default 500 ms. */
  readonly minDelayMs?: number;
  /** Cap of the doubling; default 30 s. */
  readonly maxDelayMs?: number;
}

export const DEFAULT_BACKOFF: Required<BackoffOptions> = { minDelayMs: 500, maxDelayMs: 30_000 };

/**
 * Exponential backoff with jitter: the n-th consecutive failure waits between half and all of
 * min(max, min × 2^(n-1)), so many watchers failing together (an agent restart) do not come back together.
 */
export class Backoff {
  private failures = 0;

  constructor(
    private readonly options: Required<BackoffOptions>,
    private readonly random: Random,
  ) {}

  get consecutiveFailures(): number {
    return this.failures;
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  next(): number {
    this.failures++;
    const { minDelayMs, maxDelayMs } = this.options;
    const ceiling = Math.min(maxDelayMs, minDelayMs * 2 ** Math.min(this.failures - 1, 30));
    return Math.round(ceiling / 2 + (this.random() * ceiling) / 2);
  }

  reset(): void {
    this.failures = 0;
  }
}

/**
 * The `wait` of one blocking query: up to a tenth below the configured wait, so that the many per-service
 * queries of a watcher, started together at a resync, do not all time out and come back in the same instant.
 * Consul adds its own jitter of up to wait/16 on top.
 */
export function jitteredWait(waitMs: number, random: Random): number {
  return Math.max(1_000, Math.round(waitMs - random() * (waitMs / 10)));
}

/** Consul's duration syntax for a number of milliseconds. */
export function consulDuration(ms: number): string {
  return `${Math.max(0, Math.round(ms))}ms`;
}

/** Sleeps `ms`; resolves false instead when `signal` aborts first (the watcher is stopping). */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal, ref: false });
    return true;
  } catch {
    return false;
  }
}

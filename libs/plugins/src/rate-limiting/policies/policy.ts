import type { Windows } from '../windows';

/**
 * Where a rate-limiting instance keeps its counters. One policy serves one plugin instance, whose periods are
 * fixed: `windows.starts[i]` is the current window of the instance's i-th period.
 */
export interface RateLimitPolicy {
  /**
   * The count of `identifier` in each window, in period order. Synchronous policies answer directly (and may
   * reuse the returned array on their next call); the others return a promise that rejects when the store fails.
   */
  usage(identifier: string, windows: Windows): readonly number[] | Promise<readonly number[]>;
  /** Counts one more request of `identifier` in every window; store failures reject the promise. */
  increment(identifier: string, windows: Windows): void | Promise<void>;
  /** The instance is going away: flush what is batched, release connections and timers. */
  close?(): void | Promise<void>;
}

/** Kong's id for "no route" / "no service" in counter keys. */
export const EMPTY_UUID = '00000000-0000-0000-0000-000000000000';

/** Kong's counter-key prefix for an instance: `ratelimit:<route id>:<service id>:`. */
export function keyPrefix(routeId: string | null, serviceId: string | null): string {
  return `ratelimit:${routeId ?? EMPTY_UUID}:${serviceId ?? EMPTY_UUID}:`;
}

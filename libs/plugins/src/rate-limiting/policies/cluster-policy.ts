import type { ClusterCounterStore } from '../../runtime/plugin-definition';
import type { Period } from '../periods';
import type { Windows } from '../windows';
import type { RateLimitPolicy } from './policy';

/**
 * Kong's `cluster` policy: counters every replica shares through the cluster counter store (Cassandra).
 * Reads the shared counts before each decision; the increment is written after it (not awaited, as Kong does it
 * in a timer), so concurrent requests on different replicas may overshoot by the requests in flight.
 */
export class ClusterPolicy implements RateLimitPolicy {
  constructor(
    private readonly store: ClusterCounterStore,
    private readonly periods: readonly Period[],
    /** `ratelimit:<route>:<service>:`. */
    private readonly prefix: string,
  ) {}

  usage(identifier: string, windows: Windows): Promise<readonly number[]> {
    return Promise.all(
      this.periods.map((period, i) => this.store.current(this.key(identifier, period), windows.starts[i])),
    );
  }

  async increment(identifier: string, windows: Windows): Promise<void> {
    await Promise.all(
      this.periods.map((period, i) =>
        this.store.increment(
          this.key(identifier, period),
          windows.starts[i],
          1,
          Math.ceil((windows.ends[i] - windows.starts[i]) / 1000),
        ),
      ),
    );
  }

  private key(identifier: string, period: Period): string {
    return `${this.prefix}${identifier}:${period}`;
  }
}

/**
 * lua-resty-healthcheck's four internal states. "mostly" states are on their way over: a healthy target with
 * some failures counted is `mostly_healthy` (still serving), and so on.
 */
export type InternalHealth = 'healthy' | 'mostly_healthy' | 'mostly_unhealthy' | 'unhealthy';

export type HealthReport = 'success' | 'http' | 'tcp' | 'timeout';

const MAX_COUNT = 255;

/**
 * The per-address counters of lua-resty-healthcheck: one success counter and three failure counters (HTTP, TCP,
 * timeout). A success resets all failure counters; a failure resets only the success counter. A report that
 * matches the current full state is ignored, and a counter whose limit is 0 is disabled (so with the default
 * `successes = 0`, failures are never reset by successes, exactly as in Kong).
 */
export class HealthCounters {
  state: InternalHealth = 'healthy';
  private success = 0;
  private http = 0;
  private tcp = 0;
  private timeout = 0;

  /** True while the address may serve (healthy or mostly healthy). */
  get healthy(): boolean {
    return this.state === 'healthy' || this.state === 'mostly_healthy';
  }

  /** Counts one report against `limit`; returns true when the address crossed between healthy and unhealthy. */
  report(kind: HealthReport, limit: number): boolean {
    if (limit === 0) return false;
    const good = kind === 'success';
    if ((good && this.state === 'healthy') || (!good && this.state === 'unhealthy')) return false;
    const before = this.healthy;
    let count: number;
    if (good) {
      this.success = Math.min(this.success + 1, MAX_COUNT);
      this.http = this.tcp = this.timeout = 0;
      count = this.success;
    } else {
      this.success = 0;
      this[kind] = Math.min(this[kind] + 1, MAX_COUNT);
      count = this[kind];
    }
    if (count >= limit) this.state = good ? 'healthy' : 'unhealthy';
    else if (this.state === 'healthy' && !good) this.state = 'mostly_healthy';
    else if (this.state === 'unhealthy' && good) this.state = 'mostly_unhealthy';
    return before !== this.healthy;
  }

  /** Sets the state outright and clears the counters (Kong's `set_target_status`); true when health flipped. */
  force(healthy: boolean): boolean {
    const before = this.healthy;
    this.state = healthy ? 'healthy' : 'unhealthy';
    this.success = this.http = this.tcp = this.timeout = 0;
    return before !== healthy;
  }
}

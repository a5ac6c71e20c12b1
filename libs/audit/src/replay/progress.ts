/** How far a replay has come, for a progress bar. */
export interface ReplayProgress {
  /** Versions replayed so far. */
  readonly done: number;
  /** Versions to replay (for a replay until a time, the log head: an upper bound). */
  readonly total: number;
  /** Smoothed throughput, versions per second; 0 until two samples were taken. */
  readonly ratePerSecond: number;
  /** Estimated time left, or null while the rate is unknown. */
  readonly etaMs: number | null;
  readonly elapsedMs: number;
  /** Where the current versions come from. */
  readonly source: 'history' | 'log' | null;
}

/**
 * Rate and ETA from samples of the count done: the rate is an exponentially weighted moving average (time constant
 * `smoothingMs`), so a burst or a pause moves the ETA gradually rather than making it jump.
 */
export class ProgressMeter {
  private readonly startedAt: number;
  private lastAt: number;
  private lastDone = 0;
  private rate = 0;
  private sampled = false;

  constructor(
    private readonly total: number,
    private readonly now: () => number = Date.now,
    private readonly smoothingMs = 3_000,
  ) {
    this.startedAt = this.lastAt = now();
  }

  sample(done: number, source: ReplayProgress['source'] = null): ReplayProgress {
    const at = this.now();
    const dt = at - this.lastAt;
    if (dt > 0) {
      const instant = ((done - this.lastDone) * 1000) / dt;
      // The first sample sets the rate; later ones move it by how much time they cover.
      const weight = this.sampled ? 1 - Math.exp(-dt / this.smoothingMs) : 1;
      this.rate += weight * (instant - this.rate);
      this.sampled = true;
      this.lastAt = at;
      this.lastDone = done;
    }
    const left = Math.max(0, this.total - done);
    return {
      done,
      total: this.total,
      ratePerSecond: this.rate,
      etaMs: etaMs(left, this.rate),
      elapsedMs: at - this.startedAt,
      source,
    };
  }
}

/** Milliseconds to do `left` more at `ratePerSecond`; 0 when nothing is left, null when the rate is unknown. */
export function etaMs(left: number, ratePerSecond: number): number | null {
  if (left <= 0) return 0;
  if (!(ratePerSecond > 0)) return null;
  return Math.round((left / ratePerSecond) * 1000);
}

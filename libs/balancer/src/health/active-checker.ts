import { setMaxListeners } from 'node:events';
import type { Address } from '../address';
import type { Clock, TimerHandle } from '../clock';
import type { ActiveSettings } from '../settings/healthcheck-settings';
import { probe as runProbe, type ProbeResult, type ProbeTarget } from './probes';

export interface ActiveCheckerHooks {
  /** The addresses to probe in a round: the healthy ones or the unhealthy ones. */
  select(healthy: boolean): readonly Address[];
  /** Where to connect and what to send for `address`. */
  target(address: Address): ProbeTarget;
  /** A probe finished (never called after stop, nor for detached addresses). */
  report(address: Address, result: ProbeResult): void;
  /** A round finished; for tests and logs. */
  roundDone?(healthy: boolean, probed: number): void;
}

interface Loop {
  readonly healthy: boolean;
  readonly intervalMs: number;
  timer: TimerHandle | undefined;
  busy: boolean;
}

/**
 * Active health checks: one loop probes healthy addresses every `healthy.interval`, another probes unhealthy
 * ones every `unhealthy.interval` (0 turns a loop off), each running at most `concurrency` probes at a time. A
 * loop fires at a fixed rate and skips a beat while its previous round still runs. The first round comes one
 * interval after start, as in lua-resty-healthcheck.
 */
export class ActiveChecker {
  private readonly loops: Loop[] = [];
  private readonly aborter = new AbortController();
  private stopped = false;

  constructor(
    private readonly settings: ActiveSettings,
    private readonly clock: Clock,
    private readonly hooks: ActiveCheckerHooks,
    private readonly probe: typeof runProbe = runProbe,
  ) {
    for (const healthy of [true, false]) {
      const intervalMs = healthy ? settings.healthy.intervalMs : settings.unhealthy.intervalMs;
      if (intervalMs > 0) this.loops.push({ healthy, intervalMs, timer: undefined, busy: false });
    }
    // Every probe in flight listens for the abort; `concurrency` may well exceed Node's default of 10.
    setMaxListeners(0, this.aborter.signal);
  }

  start(): void {
    for (const loop of this.loops) this.arm(loop);
  }

  /** Stops both loops and aborts probes in flight; their results are dropped. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    for (const loop of this.loops) {
      if (loop.timer !== undefined) this.clock.clearTimeout(loop.timer);
      loop.timer = undefined;
    }
    this.aborter.abort();
  }

  private arm(loop: Loop): void {
    if (this.stopped) return;
    loop.timer = this.clock.setTimeout(() => {
      loop.timer = undefined;
      this.arm(loop);
      if (!loop.busy) void this.round(loop);
    }, loop.intervalMs);
  }

  private async round(loop: Loop): Promise<void> {
    loop.busy = true;
    const list = this.hooks.select(loop.healthy);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < list.length && !this.stopped) {
        const address = list[next++];
        const result = await this.probe(this.hooks.target(address), this.settings, this.aborter.signal);
        if (!this.stopped && !address.detached && result.kind !== 'aborted') this.hooks.report(address, result);
      }
    };
    const workers = Math.min(this.settings.concurrency, list.length);
    await Promise.all(Array.from({ length: workers }, worker));
    loop.busy = false;
    if (!this.stopped) this.hooks.roundDone?.(loop.healthy, list.length);
  }
}

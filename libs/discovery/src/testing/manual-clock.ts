import type { Clock, TimerHandle, Timers } from '../timers';

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/** A clock and timers driven by the test: `advance` moves time and fires what falls due, in order. */
export class ManualClock implements Clock, Timers {
  private time: number;
  private seq = 0;
  private scheduled: Scheduled[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  after(ms: number, callback: () => void): TimerHandle {
    const entry: Scheduled = { at: this.time + Math.max(0, ms), seq: this.seq++, callback, cancelled: false };
    this.scheduled.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }

  /** Moves time forward by `ms`, firing due timers in time order (each at its own time). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = this.scheduled
        .filter((s) => !s.cancelled && s.at <= end)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.scheduled = this.scheduled.filter((s) => s !== due);
      this.time = Math.max(this.time, due.at);
      due.callback();
    }
    this.time = end;
  }

  /** Timers armed and not yet fired or cancelled. */
  get pendingTimers(): number {
    return this.scheduled.filter((s) => !s.cancelled).length;
  }
}

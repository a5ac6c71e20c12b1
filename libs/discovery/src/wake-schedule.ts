import type { Clock, TimerHandle, Timers } from './timers';

interface Due {
  at: number;
  readonly reasons: Set<string>;
}

/**
 * Follow-up reconciliations at given times (a grace period ending, a damped target's interval ending), per
 * upstream, on one armed timer: the earliest. Several upstreams due together wake once.
 */
export class WakeSchedule {
  private readonly due = new Map<string, Due>();
  private armed: { readonly at: number; readonly handle: TimerHandle } | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly timers: Timers,
    private readonly onDue: (upstreams: string[], reasons: string[]) => void,
  ) {}

  /** Wakes for `upstream` at `at` (the earlier of this and any wake already set for it), saying why. */
  wakeAt(upstream: string, at: number, reason: string): void {
    const current = this.due.get(upstream);
    if (current === undefined) this.due.set(upstream, { at, reasons: new Set([reason]) });
    else {
      current.at = Math.min(current.at, at);
      current.reasons.add(reason);
    }
    this.arm();
  }

  /** The earliest pending wake, if any. */
  next(): number | undefined {
    let earliest: number | undefined;
    for (const { at } of this.due.values()) if (earliest === undefined || at < earliest) earliest = at;
    return earliest;
  }

  cancelAll(): void {
    this.armed?.handle.cancel();
    this.armed = undefined;
    this.due.clear();
  }

  private arm(): void {
    const earliest = this.next();
    if (earliest === undefined || (this.armed !== undefined && this.armed.at <= earliest)) return;
    this.armed?.handle.cancel();
    const handle = this.timers.after(Math.max(0, earliest - this.clock.now()), () => this.fire());
    this.armed = { at: earliest, handle };
  }

  private fire(): void {
    this.armed = undefined;
    const now = this.clock.now();
    const names: string[] = [];
    const reasons: string[] = [];
    for (const [name, due] of this.due) {
      if (due.at > now) continue;
      this.due.delete(name);
      names.push(name);
      reasons.push(...due.reasons);
    }
    this.arm();
    if (names.length > 0) this.onDue(names.sort(), reasons);
  }
}

/**
 * Flap damping: a target changes at most once per `intervalMs`. A change asked for sooner waits until the
 * interval ends; what is desired then is what gets applied, so a target that flipped and flipped back changes
 * nothing more.
 */
export class FlapDamper {
  private readonly lastChange = new Map<string, number>();

  constructor(private readonly intervalMs: number) {}

  /** When the target `key` may change next, or undefined when it may change now. */
  heldUntil(key: string, now: number): number | undefined {
    const last = this.lastChange.get(key);
    if (last === undefined) return undefined;
    const at = last + this.intervalMs;
    return now < at ? at : undefined;
  }

  /** Records the targets a confirmed write changed at `now`, and forgets those whose interval is over. */
  record(keys: Iterable<string>, now: number): void {
    for (const [key, at] of this.lastChange) if (at + this.intervalMs <= now) this.lastChange.delete(key);
    if (this.intervalMs <= 0) return;
    for (const key of keys) this.lastChange.set(key, now);
  }

  /** Number of targets still inside their interval (for status). */
  get size(): number {
    return this.lastChange.size;
  }
}

/** The damping key of one target: upstream name and address. */
export function targetKey(upstream: string, address: string): string {
  return `${upstream}|${address}`;
}

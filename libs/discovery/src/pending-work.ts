/** Which upstreams a reconciliation looks at: all (resync) or some (delta, follow-up). */
export type Scope = 'all' | ReadonlySet<string>;

/**
 * Input not yet reconciled: the upstreams to look at and why. Everything that arrives while a reconciliation
 * runs is merged here and goes into the next one, so a burst of deltas becomes one changeset.
 */
export class PendingWork {
  private all = false;
  private readonly names = new Set<string>();
  private reasons: string[] = [];

  add(scope: Scope | Iterable<string>, reasons: readonly string[]): void {
    if (scope === 'all') this.all = true;
    else if (!this.all) for (const name of scope) this.names.add(name);
    this.reasons.push(...reasons);
  }

  /** Moves everything from `other` into this. */
  absorb(other: PendingWork): void {
    if (other.empty) return;
    const { scope, reasons } = other.take();
    this.add(scope, reasons);
  }

  get empty(): boolean {
    return !this.all && this.names.size === 0;
  }

  take(): { scope: Scope; reasons: string[] } {
    const scope: Scope = this.all ? 'all' : new Set(this.names);
    const reasons = this.reasons;
    this.all = false;
    this.names.clear();
    this.reasons = [];
    return { scope, reasons };
  }
}

/** Whether an upstream's removal is held, and until when. */
export type GraceDecision = { readonly hold: false } | { readonly hold: true; readonly until: number };

const PROCEED: GraceDecision = { hold: false };

/**
 * Empty-payload protection. A source that reports zero instances for an upstream on which it owns targets is
 * more often broken (a registry restarting, an ACL token revoked, a watch answering an empty list) than right,
 * so the removal waits `graceMs` from the first empty report. Any instance reported in between cancels the hold;
 * a report still empty when it ends lets the removal through.
 */
export class EmptyPayloadGuard {
  private readonly emptySince = new Map<string, number>();

  /** `minOwned`: fewer owned targets than this are removed at once (a lone instance that leaves is believed). */
  constructor(
    private readonly graceMs: number,
    private readonly minOwned = 1,
  ) {}

  /** Decides for one upstream at `now`, given how many targets the source wants and owns there. */
  check(upstream: string, wanted: number, owned: number, now: number): GraceDecision {
    if (wanted > 0 || owned === 0 || owned < this.minOwned || this.graceMs <= 0) {
      this.emptySince.delete(upstream);
      return PROCEED;
    }
    const since = this.emptySince.get(upstream) ?? now;
    this.emptySince.set(upstream, since);
    const until = since + this.graceMs;
    return now < until ? { hold: true, until } : PROCEED;
  }

  /** Forgets an upstream whose removal went through, so a later empty report starts a new grace period. */
  forget(upstream: string): void {
    this.emptySince.delete(upstream);
  }

  /** Upstreams whose removal is held at `now`, sorted. */
  held(now: number): string[] {
    return [...this.emptySince]
      .filter(([, since]) => now < since + this.graceMs)
      .map(([name]) => name)
      .sort();
  }
}

/** A desired target (or upstream) the Admin API's validation refused; it is skipped, the rest goes on. */
export interface InvalidDesired {
  readonly upstream: string;
  /** Absent when the upstream itself could not be created. */
  readonly target?: string;
  readonly message: string;
}

/** A desired address already taken on its upstream by a target this source does not own (hand-made, or another source's). */
export interface ShadowedTarget {
  readonly upstream: string;
  readonly target: string;
}

/** What one reconciliation did. */
export interface ReconcileReport {
  /**
   * `written`: the changes were appended and applied; `unchanged`: the fold already matched (no event);
   * `failed`: nothing was confirmed (log unavailable, or the fold rejected the event), a retry is scheduled.
   */
  readonly outcome: 'written' | 'unchanged' | 'failed';
  /** Config events this reconciliation appended: 1 when written (more only when one did not fit in a record). */
  readonly events: number;
  /** Log version of the last event written. */
  readonly version?: number;
  readonly upstreamsCreated: number;
  readonly targetsCreated: number;
  readonly targetsUpdated: number;
  readonly targetsDeleted: number;
  /** Upstreams whose removal the empty-payload grace period holds. */
  readonly held: readonly string[];
  /** Target changes waiting for their flap-damping interval to end. */
  readonly deferred: number;
  readonly shadowed: readonly ShadowedTarget[];
  /** Upstreams with desired targets that do not exist and have no `create` defaults. */
  readonly missingUpstreams: readonly string[];
  readonly invalid: readonly InvalidDesired[];
  /** Why the reconciliation failed. */
  readonly error?: string;
}

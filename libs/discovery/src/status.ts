/** A reconciler's state for `/health` and `/metrics`. */
export interface ReconcilerStatus {
  readonly source: string;
  readonly ownerTag: string;
  /**
   * `idle`, `reconciling`, `retrying` (the last append failed, a retry is scheduled) or `stalled` (retries ran
   * out; the desired state is kept and the next input or `reconcileAll()` tries again).
   */
  readonly phase: 'idle' | 'reconciling' | 'retrying' | 'stalled';
  readonly desiredUpstreams: number;
  readonly desiredTargets: number;
  /** Config events this reconciler appended. */
  readonly eventsWritten: number;
  /** Log version of the last event written. */
  readonly lastVersion: number | null;
  /** Epoch ms of the last reconciliation that ended written or unchanged. */
  readonly lastSyncedAt: number | null;
  readonly lastResyncAt: number | null;
  readonly consecutiveFailures: number;
  readonly lastError: string | null;
  /** Upstreams whose removal the empty-payload grace period holds. */
  readonly held: readonly string[];
  /** Target changes waiting for their damping interval after the last reconciliation. */
  readonly deferred: number;
  /** Epoch ms of the next scheduled follow-up (grace or damping ending), if any. */
  readonly nextWakeAt: number | null;
}

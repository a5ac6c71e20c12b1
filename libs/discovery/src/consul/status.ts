/** A Consul source's state for `/health` and `/metrics`. */
export interface ConsulSourceStatus {
  /** `consul:<name>`. */
  readonly source: string;
  readonly datacenter: string;
  /** Base URL of the Consul HTTP API. */
  readonly address: string;
  /**
   * `stopped`; `listing` (reading everything for a full resync); `watching` (resync handed to the sink, blocking
   * queries running); `backoff` (a watch failed, waiting to list again).
   */
  readonly phase: 'stopped' | 'listing' | 'watching' | 'backoff';
  /** The last full resync was handed to the sink and no watch failed since. */
  readonly synced: boolean;
  /** Epoch ms the sink last got desired state (resync or update). */
  readonly lastSyncAt: number | null;
  readonly lastResyncAt: number | null;
  readonly resyncs: number;
  readonly updates: number;
  /** Last `X-Consul-Index` per endpoint: `catalog/services`, `catalog/services?meta`, `health/service/<name>`. */
  readonly indexes: Readonly<Record<string, number>>;
  /** Last watch error (`code` from `ConsulWatchErrorCode`), kept after recovery; `at` in epoch ms. */
  readonly lastError: { readonly code: string; readonly message: string; readonly at: number } | null;
  /** Watch failures since the last session that lived long enough; drives the backoff. */
  readonly consecutiveErrors: number;
  /** Last error the sink reported (a failed reconciliation, a rejected input). */
  readonly lastSinkError: { readonly message: string; readonly at: number } | null;
  /** Services watched (mapped candidates). */
  readonly services: number;
  /** Desired targets over all upstreams (healthy, mapped instances). */
  readonly instances: number;
  readonly upstreams: number;
  /** Healthy, mapped instances left out for lack of a usable address or port. */
  readonly unroutable: number;
}

import type { ClusterCounts, MappingProblem } from './cluster-state';
import type { StreamStatus } from './list-watch';

/**
 * A Kubernetes source's state for `/health` and `/metrics`. A type, not an interface, so that it is assignable
 * to `Record<string, unknown>` (what generic status readers take).
 */
export type KubernetesSourceStatus = ClusterCounts & {
  readonly source: string;
  readonly cluster: string;
  /** The least advanced stream's: `listing`, `backoff` (waiting to re-list), `watching`; or `stopped`. */
  readonly phase: 'listing' | 'watching' | 'backoff' | 'stopped';
  /** Every stream has listed and is watching: the sink holds the cluster's current state. */
  readonly synced: boolean;
  /** Epoch ms of the first complete snapshot handed to the sink. */
  readonly syncedAt: number | null;
  /** The newest resourceVersion seen (list, event or bookmark) over all streams. */
  readonly resourceVersion: string | null;
  /** Re-lists after the initial list: after 410 Gone and after errors. */
  readonly relists: number;
  /** 410 Gone answers (watch or list): the resourceVersion had been compacted away; each re-lists at once. */
  readonly gone: number;
  readonly lastError: string | null;
  readonly lastErrorAt: number | null;
  /** Snapshots (`resync`) and deltas (`update`) handed to the sink. */
  readonly resyncs: number;
  readonly updates: number;
  readonly lastResyncAt: number | null;
  readonly lastUpdateAt: number | null;
  /** Mapped upstreams, and the targets the last computed state wants on them. */
  readonly upstreams: number;
  readonly targets: number;
  /** Annotated Services (or their slices) that give no targets, and why. */
  readonly problems: readonly MappingProblem[];
  readonly streams: readonly StreamStatus[];
};

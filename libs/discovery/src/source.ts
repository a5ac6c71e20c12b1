import type { DesiredTargets } from './desired';
import { InvalidSourceError } from './errors';
import type { ReconcileReport } from './report';

/** Prefix of every owner tag; the fold's targets tagged `discovery:<source id>` belong to that source. */
export const OWNER_TAG_PREFIX = 'discovery:';

/** `<kind>:<name>`, e.g. `consul:dc1` or `k8s:prod-eu`; no whitespace, `,` or `/` (Kong tags forbid the last two). */
const SOURCE_ID = /^[a-z][a-z0-9-]*:[^\s,/]+$/;
const MAX_SOURCE_ID_LENGTH = 200;

/** Throws {@link InvalidSourceError} unless `id` can name a source (and so an owner tag). */
export function checkSourceId(id: string): string {
  if (typeof id !== 'string' || id.length > MAX_SOURCE_ID_LENGTH || !SOURCE_ID.test(id)) {
    throw new InvalidSourceError(
      `invalid discovery source id ${JSON.stringify(id)}: expected <kind>:<name> (e.g. consul:dc1, k8s:prod), ` +
        `at most ${MAX_SOURCE_ID_LENGTH} characters, without whitespace, ',' or '/'`,
    );
  }
  return id;
}

/** The tag marking the targets a source owns: `discovery:consul:dc1`. */
export function ownerTag(sourceId: string): string {
  return `${OWNER_TAG_PREFIX}${checkSourceId(sourceId)}`;
}

/**
 * Where a watcher sends what its registry reports. The {@link Reconciler} of the watcher's source implements it.
 * Both calls resolve once the reconciliation that includes the input has run (written, nothing to do, or failed
 * with a retry scheduled); they never wait out a log outage, and they reject only after `close()`.
 */
export interface DiscoverySink {
  /** The source's complete desired state: upstreams it owns targets on and does not name here go to empty. */
  resync(snapshot: DesiredTargets): Promise<ReconcileReport>;
  /** New desired target lists for the upstreams named; the others keep what they had. */
  update(delta: DesiredTargets): Promise<ReconcileReport>;
}

/**
 * A registry watcher (Consul datacenter, Kubernetes cluster). It calls `sink.resync` with a full snapshot on
 * start and after every watch error (lost index, 410 Gone), and `sink.update` for the upstreams a change touched.
 */
export interface DiscoverySource {
  /** Stable id, `consul:dc1` or `k8s:<cluster>`; see {@link checkSourceId}. Its owner tag is `discovery:<id>`. */
  readonly id: string;
  start(sink: DiscoverySink): Promise<void>;
  stop(): Promise<void>;
}

import type { Logger } from '@gantry/logging';
import type { UpstreamDefaults } from '../desired';
import { checkSourceId } from '../source';
import type { Clock, Timers } from '../timers';
import { checkUpstreamDefaults } from '../upstream-defaults';
import { InvalidKubernetesOptionsError } from './errors';
import type { KubeApi } from './kube-api';

export const DEFAULT_ANNOTATION_PREFIX = 'gantry.io';
export const DEFAULT_WEIGHT = 100;
export const DEFAULT_WATCH_TIMEOUT_SECONDS = 300;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_PAGE_SIZE = 500;
export const DEFAULT_RETRY = { minDelayMs: 500, maxDelayMs: 30_000 } as const;

export interface KubernetesSourceOptions {
  /** The cluster's name: the source id is `k8s:<cluster>` and its owner tag `discovery:k8s:<cluster>`. */
  readonly cluster: string;
  /** The API server (`loadClientNodeKubeApi` or `createHttpKubeApi`, from a kubeconfig). */
  readonly api: KubeApi;
  /** Namespaces to watch (one list-and-watch each); absent or empty: all namespaces in one. */
  readonly namespaces?: readonly string[];
  /** Which Services are considered (e.g. `team=shop,tier!=batch`); default all. */
  readonly labelSelector?: string;
  /** Narrows the EndpointSlices watched, ANDed with `kubernetes.io/service-name` (slices of a Service). */
  readonly endpointSliceLabelSelector?: string;
  /** Annotations read: `<prefix>/upstream`, `<prefix>/port`, `<prefix>/weight`; default `gantry.io`. */
  readonly annotationPrefix?: string;
  /** Map Services without `<prefix>/upstream` to the upstream `<namespace>.<name>`; default false (ignored). */
  readonly mapUnannotated?: boolean;
  /** Weight of a ready endpoint, unless its Service sets `<prefix>/weight`; default 100. */
  readonly weight?: number;
  /** `POST /upstreams` fields of auto-created upstreams; default `{}` (the Admin API's defaults); null: never create. */
  readonly upstreamDefaults?: UpstreamDefaults | null;
  /** The server ends each watch after this long and it is resumed from the last resourceVersion; default 300. */
  readonly watchTimeoutSeconds?: number;
  /** Bound on one list request; default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Objects per list page; default 500. */
  readonly pageSize?: number;
  /** Delays before re-listing after an error (not after 410 Gone, which re-lists at once). */
  readonly retry?: { readonly minDelayMs?: number; readonly maxDelayMs?: number };
  readonly clock?: Clock;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

/** DNS-1123 label, what a namespace name is. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
/** An annotation prefix is a DNS subdomain. */
const PREFIX = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function fail(message: string): never {
  throw new InvalidKubernetesOptionsError(`kubernetes source: ${message}`);
}

function positive(name: string, value: number | undefined): void {
  if (value !== undefined && !(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    fail(`${name} must be a number > 0, got ${String(value)}`);
  }
}

function selector(name: string, value: string | undefined): void {
  if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
    fail(`${name} must be a non-empty label selector`);
  }
}

/** Throws {@link InvalidKubernetesOptionsError} (or `InvalidSourceError`) on options a source cannot run with. */
export function checkKubernetesOptions(options: KubernetesSourceOptions): void {
  if (typeof options?.cluster !== 'string' || options.cluster === '') fail('cluster (its name) is required');
  checkSourceId(`k8s:${options.cluster}`);
  const api = options.api as Partial<KubeApi> | undefined;
  const methods = ['listServices', 'watchServices', 'listEndpointSlices', 'watchEndpointSlices'] as const;
  if (typeof api !== 'object' || api === null || methods.some((m) => typeof api[m] !== 'function')) {
    fail('api must implement KubeApi');
  }
  for (const namespace of options.namespaces ?? []) {
    if (typeof namespace !== 'string' || !NAMESPACE.test(namespace) || namespace.length > 63) {
      fail(`invalid namespace ${JSON.stringify(namespace)}`);
    }
  }
  if (new Set(options.namespaces).size !== (options.namespaces?.length ?? 0)) fail('namespaces must not repeat');
  selector('labelSelector', options.labelSelector);
  selector('endpointSliceLabelSelector', options.endpointSliceLabelSelector);
  const prefix = options.annotationPrefix;
  if (prefix !== undefined && (typeof prefix !== 'string' || !PREFIX.test(prefix) || prefix.length > 253)) {
    fail(`invalid annotationPrefix ${JSON.stringify(prefix)} (a DNS subdomain such as gantry.io)`);
  }
  const weight = options.weight;
  if (weight !== undefined && !(Number.isInteger(weight) && weight >= 0 && weight <= 65535)) {
    fail(`weight must be an integer 0..65535, got ${String(weight)}`);
  }
  const defaults = options.upstreamDefaults;
  if (defaults !== undefined && defaults !== null) {
    const problem =
      typeof defaults === 'object' && !Array.isArray(defaults)
        ? checkUpstreamDefaults(defaults)
        : 'it must be an object of upstream fields';
    if (problem !== undefined) fail(`upstreamDefaults: ${problem}`);
  }
  positive('watchTimeoutSeconds', options.watchTimeoutSeconds);
  positive('requestTimeoutMs', options.requestTimeoutMs);
  positive('pageSize', options.pageSize);
  positive('retry.minDelayMs', options.retry?.minDelayMs);
  positive('retry.maxDelayMs', options.retry?.maxDelayMs);
  if (options.watchTimeoutSeconds !== undefined && !Number.isInteger(options.watchTimeoutSeconds)) {
    fail('watchTimeoutSeconds must be an integer');
  }
}

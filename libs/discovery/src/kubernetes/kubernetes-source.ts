import { childLogger, type Logger } from '@gantry/logging';
import type { DesiredUpstream } from '../desired';
import type { ReconcileReport } from '../report';
import type { DiscoverySink, DiscoverySource } from '../source';
import { systemClock, systemTimers, type Clock } from '../timers';
import { ClusterState, type ChangeType } from './cluster-state';
import type { KubeEndpointSlice, KubeService } from './kube-api';
import { readService, readSlice, SERVICE_NAME_LABEL, type ServiceInfo } from './kube-objects';
import { ListWatch, type ListCause, type StreamListener, type StreamSpec, type StreamTiming } from './list-watch';
import {
  checkKubernetesOptions,
  DEFAULT_ANNOTATION_PREFIX,
  DEFAULT_RETRY,
  DEFAULT_PAGE_SIZE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_WATCH_TIMEOUT_SECONDS,
  DEFAULT_WEIGHT,
  type KubernetesSourceOptions,
} from './options';
import type { KubernetesSourceStatus } from './status';

/** Changes named in one delta's reason; the rest are counted. */
const REASON_CHANGES = 5;

interface Batch {
  readonly upstreams: Set<string>;
  readonly changes: string[];
  from: string | undefined;
  to: string | undefined;
}

type KubeObject = KubeService | KubeEndpointSlice;

/** How the events of one resource reach the cluster state. */
interface Kind<T extends KubeObject> {
  readonly label: 'service' | 'endpointslice';
  replace(stream: string, items: readonly T[]): void;
  apply(stream: string, type: ChangeType, object: T): Set<string>;
}

/** What was last handed to the sink for one upstream: deltas that would not change it are not sent. */
interface Sent {
  readonly fingerprint: string;
  readonly targets: number;
}

function fingerprint(upstream: DesiredUpstream): string {
  return upstream.targets.map((t) => `${t.target}=${t.weight}|${(t.tags ?? []).join(',')}`).join(';');
}

/** Numeric resourceVersions (etcd revisions) compare as numbers; anything else keeps the later one seen. */
function newer(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return /^\d+$/.test(a) && /^\d+$/.test(b) && BigInt(a) > BigInt(b) ? a : b;
}

const errorText = (error: Error): string => `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`;

/**
 * A Kubernetes cluster as a discovery source. It lists then watches Services (for the `gantry.io/upstream`
 * annotation that maps a Service to an upstream) and their EndpointSlices, per namespace or cluster-wide, and
 * hands the sink a full snapshot once everything is listed and after every re-list, and, for each watch event,
 * the complete target lists of the upstreams it touched. Ready endpoints get the weight, terminating or
 * not-serving ones weight 0 (drained) while listed. See README.md, "Kubernetes".
 */
export class KubernetesSource implements DiscoverySource {
  /** `k8s:<cluster>`. */
  readonly id: string;
  readonly cluster: string;
  private readonly state: ClusterState;
  private readonly streams: (ListWatch<KubeService> | ListWatch<KubeEndpointSlice>)[] = [];
  private readonly clock: Clock;
  private readonly logger: Logger;
  private sink: DiscoverySink | undefined;
  private stopped = false;
  private readonly sent = new Map<string, Sent>();
  private batch: Batch | undefined;
  /** Resolves the promise `start()` returned. */
  private started: (() => void) | undefined;

  private syncedAt: number | null = null;
  private resourceVersion: string | null = null;
  private relists = 0;
  private lastError: string | null = null;
  private lastErrorAt: number | null = null;
  private resyncs = 0;
  private updates = 0;
  private lastResyncAt: number | null = null;
  private lastUpdateAt: number | null = null;

  constructor(options: KubernetesSourceOptions) {
    checkKubernetesOptions(options);
    this.cluster = options.cluster;
    this.id = `k8s:${options.cluster}`;
    this.clock = options.clock ?? systemClock;
    this.logger = (options.logger ?? childLogger('discovery')).child({ source: this.id });
    const rules = {
      annotationPrefix: options.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX,
      mapUnannotated: options.mapUnannotated ?? false,
      weight: options.weight ?? DEFAULT_WEIGHT,
    };
    const tags = (service: ServiceInfo) => [`k8s-service:${service.namespace}.${service.name}`];
    this.state = new ClusterState(
      rules,
      tags,
      options.upstreamDefaults === null ? undefined : (options.upstreamDefaults ?? {}),
    );

    const timing: StreamTiming = {
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? DEFAULT_WATCH_TIMEOUT_SECONDS,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
      pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE,
      backoff: { ...DEFAULT_RETRY, ...options.retry },
      clock: this.clock,
      timers: options.timers ?? systemTimers,
    };
    const { api } = options;
    const sliceSelector = [SERVICE_NAME_LABEL, options.endpointSliceLabelSelector].filter(Boolean).join(',');
    const state = this.state;
    const serviceKind: Kind<KubeService> = {
      label: 'service',
      replace: (stream, items) => state.replaceServices(stream, items.map(readService)),
      apply: (stream, type, object) => state.applyService(stream, type, readService(object)),
    };
    const sliceKind: Kind<KubeEndpointSlice> = {
      label: 'endpointslice',
      replace: (stream, items) => state.replaceSlices(stream, items.map(readSlice)),
      apply: (stream, type, object) => state.applySlice(stream, type, readSlice(object)),
    };
    const namespaces = options.namespaces?.length ? options.namespaces : [undefined];
    for (const namespace of namespaces) {
      const at = namespace === undefined ? '' : `@${namespace}`;
      const services: StreamSpec<KubeService> = {
        id: `services${at}`,
        namespace,
        labelSelector: options.labelSelector,
        list: (query) => api.listServices(query),
        watch: (query, handlers) => api.watchServices(query, handlers),
      };
      const slices: StreamSpec<KubeEndpointSlice> = {
        id: `endpointslices${at}`,
        namespace,
        labelSelector: sliceSelector,
        list: (query) => api.listEndpointSlices(query),
        watch: (query, handlers) => api.watchEndpointSlices(query, handlers),
      };
      this.streams.push(new ListWatch(services, this.listener(serviceKind), timing));
      this.streams.push(new ListWatch(slices, this.listener(sliceKind), timing));
    }
  }

  /**
   * Starts listing and watching. Resolves once the first snapshot was handed to the sink, or once a list or
   * watch failed first (the source keeps retrying; `status()` tells).
   */
  start(sink: DiscoverySink): Promise<void> {
    if (this.sink !== undefined) return Promise.reject(new Error(`${this.id} was already started`));
    this.sink = sink;
    const started = new Promise<void>((resolve) => (this.started = resolve));
    for (const stream of this.streams) stream.start();
    return started;
  }

  /** Aborts the watches and waits for the streams to end; nothing reaches the sink afterwards. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.batch = undefined;
    this.started?.();
    await Promise.all(this.streams.map((stream) => stream.stop()));
  }

  status(): KubernetesSourceStatus {
    const streams = this.streams.map((stream) => stream.status());
    let resourceVersion = this.resourceVersion;
    for (const stream of streams) resourceVersion = newer(resourceVersion, stream.resourceVersion);
    let targets = 0;
    for (const sent of this.sent.values()) targets += sent.targets;
    const phases = new Set(streams.map((s) => s.phase));
    const phase = this.stopped
      ? 'stopped'
      : phases.has('backoff')
        ? 'backoff'
        : phases.has('listing')
          ? 'listing'
          : 'watching';
    return {
      source: this.id,
      cluster: this.cluster,
      phase,
      synced: this.syncedAt !== null && streams.every((s) => s.phase === 'watching'),
      syncedAt: this.syncedAt,
      resourceVersion,
      relists: this.relists,
      gone: streams.reduce((n, s) => n + s.gone, 0),
      lastError: this.lastError,
      lastErrorAt: this.lastErrorAt,
      resyncs: this.resyncs,
      updates: this.updates,
      lastResyncAt: this.lastResyncAt,
      lastUpdateAt: this.lastUpdateAt,
      ...this.state.counts(),
      upstreams: this.sent.size,
      targets,
      problems: this.state.problems(),
      streams,
    };
  }

  private listener<T extends KubeObject>(kind: Kind<T>): StreamListener<T> {
    return {
      listed: (stream, items, rv, cause) => this.guard(() => this.listed(kind, stream, items, rv, cause)),
      changed: (stream, type, object, rv) => this.guard(() => this.changed(kind, stream, type, object, rv)),
      failed: (stream, error, retryInMs) => this.guard(() => this.failed(stream, error, retryInMs)),
    };
  }

  /** The streams must keep running whatever a callback meets; a throw here is a bug, logged. */
  private guard(callback: () => void): void {
    if (this.stopped) return;
    try {
      callback();
    } catch (error) {
      this.logger.error({ err: error }, 'kubernetes source callback failed');
    }
  }

  private listed<T extends KubeObject>(
    kind: Kind<T>,
    stream: string,
    items: readonly T[],
    rv: string,
    cause: ListCause,
  ): void {
    kind.replace(stream, items);
    this.resourceVersion = newer(this.resourceVersion, rv);
    if (cause !== 'initial') this.relists++;
    if (!this.streams.every((s) => s.status().listed)) return;
    const why =
      cause === 'initial'
        ? this.syncedAt === null
          ? 'initial list'
          : `list of ${stream}`
        : cause === 'gone'
          ? `re-list of ${stream} after 410 Gone`
          : `re-list of ${stream} after a watch error`;
    this.resync(`k8s ${this.cluster}: ${why} at resourceVersion ${rv}`);
  }

  private changed<T extends KubeObject>(kind: Kind<T>, stream: string, type: ChangeType, object: T, rv: string): void {
    const touched = kind.apply(stream, type, object);
    if (this.syncedAt === null) return; // the first snapshot, still waiting for a stream, will include it
    const name = `${object.metadata?.namespace ?? ''}/${object.metadata?.name ?? ''}`;
    let batch = this.batch;
    if (batch === undefined) {
      batch = this.batch = {
        upstreams: new Set(),
        changes: [],
        from: this.resourceVersion ?? undefined,
        to: undefined,
      };
      // Events that arrive together (one network read) go to the sink as one delta.
      queueMicrotask(() => this.guard(() => this.flush()));
    }
    for (const upstream of touched) batch.upstreams.add(upstream);
    batch.changes.push(`${type} ${kind.label} ${name}`);
    batch.to = rv;
    this.resourceVersion = newer(this.resourceVersion, rv);
  }

  private failed(stream: string, error: Error, retryInMs: number): void {
    this.lastError = `${stream}: ${errorText(error)}`;
    this.lastErrorAt = this.clock.now();
    this.started?.();
    this.logger.warn({ stream, error: error.message, retryInMs }, 'kubernetes list or watch lost; re-listing');
  }

  private resync(reason: string): void {
    this.batch = undefined; // the snapshot includes whatever was waiting
    const upstreams = this.state.snapshot();
    this.sent.clear();
    for (const upstream of upstreams) {
      this.sent.set(upstream.name, { fingerprint: fingerprint(upstream), targets: upstream.targets.length });
    }
    const now = this.clock.now();
    this.syncedAt ??= now;
    this.resyncs++;
    this.lastResyncAt = now;
    this.logger.info({ upstreams: upstreams.length, reason }, 'kubernetes snapshot');
    this.send(() => this.sink!.resync({ reason, upstreams }));
    this.started?.();
  }

  private flush(): void {
    const batch = this.batch;
    this.batch = undefined;
    if (batch === undefined) return;
    const upstreams: DesiredUpstream[] = [];
    for (const name of [...batch.upstreams].sort()) {
      const desired = this.state.desired(name);
      const print = fingerprint(desired);
      const before = this.sent.get(name);
      if (before?.fingerprint === print || (before === undefined && desired.targets.length === 0)) continue;
      if (desired.targets.length === 0) this.sent.delete(name);
      else this.sent.set(name, { fingerprint: print, targets: desired.targets.length });
      upstreams.push(desired);
    }
    if (upstreams.length === 0) return;
    const shown = batch.changes.slice(0, REASON_CHANGES).join(', ');
    const more = batch.changes.length > REASON_CHANGES ? ` and ${batch.changes.length - REASON_CHANGES} more` : '';
    const reason = `k8s ${this.cluster}: resourceVersion ${batch.from ?? '?'} -> ${batch.to ?? '?'}: ${shown}${more}`;
    this.updates++;
    this.lastUpdateAt = this.clock.now();
    this.send(() => this.sink!.update({ reason, upstreams }));
  }

  private send(call: () => Promise<ReconcileReport>): void {
    let pending: Promise<ReconcileReport>;
    try {
      pending = call();
    } catch (error) {
      this.logger.error({ err: error }, 'the discovery sink refused the input');
      return;
    }
    pending.catch((error: unknown) => {
      if (!this.stopped) this.logger.warn({ err: error }, 'the discovery sink failed');
    });
  }
}

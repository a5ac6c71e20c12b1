/**
 * The few Kubernetes API calls the watcher makes, as a port: `client-node-api.ts` implements it with
 * `@kubernetes/client-node` (ESM-only, so loaded lazily by the app), `http-kube-api.ts` over plain HTTPS, and
 * tests with a fake. Objects are the API's JSON; the watcher reads them defensively (`kube-objects.ts`).
 */

/** Object metadata, the fields the watcher reads. */
export interface KubeMeta {
  readonly name?: string;
  readonly namespace?: string;
  readonly resourceVersion?: string;
  readonly labels?: Readonly<Record<string, string>> | null;
  readonly annotations?: Readonly<Record<string, string>> | null;
}

/** A core/v1 Service, the fields the watcher reads. */
export interface KubeService {
  readonly metadata?: KubeMeta;
  readonly spec?: {
    readonly ports?: readonly {
      readonly name?: string | null;
      readonly port?: number;
      readonly targetPort?: number | string | null;
      readonly protocol?: string | null;
    }[];
  } | null;
}

/** A discovery.k8s.io/v1 EndpointSlice, the fields the watcher reads. */
export interface KubeEndpointSlice {
  readonly metadata?: KubeMeta;
  /** `IPv4`, `IPv6` or `FQDN`. */
  readonly addressType?: string;
  readonly endpoints?:
    | readonly {
        readonly addresses?: readonly string[];
        readonly conditions?: {
          readonly ready?: boolean | null;
          readonly serving?: boolean | null;
          readonly terminating?: boolean | null;
        } | null;
        readonly nodeName?: string | null;
      }[]
    | null;
  readonly ports?:
    | readonly { readonly name?: string | null; readonly port?: number | null; readonly protocol?: string | null }[]
    | null;
}

/** One page of a list. */
export interface KubeList<T> {
  readonly items: readonly T[];
  /** The list's resourceVersion: where a watch starts. */
  readonly resourceVersion: string;
  /** Present when more pages follow (`limit` was given). */
  readonly continue?: string;
}

export interface ListQuery {
  /** Absent: all namespaces. */
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Page size. */
  readonly limit?: number;
  /** Token of the next page. */
  readonly continue?: string;
  /** Client-side bound on the request. */
  readonly timeoutMs?: number;
}

export interface WatchQuery {
  readonly namespace?: string;
  readonly labelSelector?: string;
  /** Where the watch starts (a list's or the last event's resourceVersion). */
  readonly resourceVersion: string;
  /** The server ends the watch after this long (a normal close). Bookmarks are always asked for. */
  readonly timeoutSeconds: number;
}

/** A watch event. `ERROR` carries a `Status` (code 410 when the resourceVersion is too old). */
export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export interface WatchEvent<T> {
  readonly type: WatchEventType;
  readonly object: T;
}

/** A `Status` object, as an `ERROR` event or an error answer carries it. */
export interface KubeStatus {
  readonly kind?: string;
  readonly code?: number;
  readonly reason?: string;
  readonly message?: string;
}

/** What a watch reports; `done` is called exactly once, with no error when the server ended the watch. */
export interface WatchHandlers<T> {
  event(event: WatchEvent<T>): void;
  done(error?: Error): void;
}

/** A running watch. `abort` ends it; `done` is not called for a watch aborted this way. */
export interface WatchHandle {
  abort(): void;
}

/** The Kubernetes API as the watcher uses it. Errors are {@link KubeApiError}s where the server answered. */
export interface KubeApi {
  listServices(query: ListQuery): Promise<KubeList<KubeService>>;
  watchServices(query: WatchQuery, handlers: WatchHandlers<KubeService>): WatchHandle;
  listEndpointSlices(query: ListQuery): Promise<KubeList<KubeEndpointSlice>>;
  watchEndpointSlices(query: WatchQuery, handlers: WatchHandlers<KubeEndpointSlice>): WatchHandle;
}

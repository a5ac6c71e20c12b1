/**
 * The production {@link KubeApi}: `@kubernetes/client-node` (kubeconfig loading with every auth plugin it
 * supports, typed list calls, its `Watch`). The package is ESM-only: Node >= 20.19 `require`s it, Jest cannot.
 * This is therefore the only file that imports it, and nothing imports this file at load time: the app
 * `require`s it when a Kubernetes source is configured; tests use `HttpKubeApi` or a fake.
 */
import { CoreV1Api, DiscoveryV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { collectionPath, watchParams, type Resource } from './api-paths';
import { KubeApiError } from './errors';
import type {
  KubeApi,
  KubeEndpointSlice,
  KubeList,
  KubeService,
  ListQuery,
  WatchEventType,
  WatchHandle,
  WatchHandlers,
  WatchQuery,
} from './kube-api';
import { readStatus } from './kube-objects';

export interface ClientNodeKubeApiOptions {
  /** The kubeconfig file. */
  readonly kubeconfigPath: string;
  /** A context of that file; default its current context. */
  readonly context?: string;
}

interface ListResult<T> {
  readonly metadata?: { readonly resourceVersion?: string; readonly _continue?: string };
  readonly items: readonly T[];
}

/** client-node's `ApiException` (code, raw body) or a watch error (statusCode) as a {@link KubeApiError}. */
function asApiError(error: unknown, what: string): Error {
  if (typeof error !== 'object' || error === null) return new Error(`${what}: ${String(error)}`);
  const { code, statusCode, body, message } = error as {
    code?: unknown;
    statusCode?: unknown;
    body?: unknown;
    message?: string;
  };
  const status = typeof code === 'number' ? code : typeof statusCode === 'number' ? statusCode : undefined;
  if (status === undefined) return error instanceof Error ? error : new Error(`${what}: ${String(message)}`);
  let parsed = readStatus(body);
  if (parsed === undefined && typeof body === 'string') {
    try {
      parsed = readStatus(JSON.parse(body));
    } catch {
      parsed = undefined;
    }
  }
  return new KubeApiError(`${what}: ${status} ${parsed?.message ?? message ?? ''}`.trim(), status, parsed?.reason);
}

function page<T>(result: ListResult<T>): KubeList<T> {
  const resourceVersion = result.metadata?.resourceVersion ?? '';
  const next = result.metadata?._continue;
  const items = Array.isArray(result.items) ? result.items : [];
  return next ? { items, resourceVersion, continue: next } : { items, resourceVersion };
}

function listArgs(query: ListQuery) {
  return {
    labelSelector: query.labelSelector,
    limit: query.limit,
    _continue: query.continue,
    timeoutSeconds: query.timeoutMs === undefined ? undefined : Math.max(1, Math.ceil(query.timeoutMs / 1000)),
  };
}

/** The {@link KubeApi} over `@kubernetes/client-node`. */
export class ClientNodeKubeApi implements KubeApi {
  private readonly core: CoreV1Api;
  private readonly discovery: DiscoveryV1Api;
  private readonly watcher: Watch;

  constructor(readonly config: KubeConfig) {
    this.core = config.makeApiClient(CoreV1Api);
    this.discovery = config.makeApiClient(DiscoveryV1Api);
    this.watcher = new Watch(config);
  }

  async listServices(query: ListQuery): Promise<KubeList<KubeService>> {
    const args = listArgs(query);
    try {
      const result =
        query.namespace === undefined
          ? await this.core.listServiceForAllNamespaces(args)
          : await this.core.listNamespacedService({ namespace: query.namespace, ...args });
      return page<KubeService>(result);
    } catch (error) {
      throw asApiError(error, `list ${collectionPath('services', query.namespace)}`);
    }
  }

  watchServices(query: WatchQuery, handlers: WatchHandlers<KubeService>): WatchHandle {
    return this.watch('services', query, handlers);
  }

  async listEndpointSlices(query: ListQuery): Promise<KubeList<KubeEndpointSlice>> {
    const args = listArgs(query);
    try {
      const result =
        query.namespace === undefined
          ? await this.discovery.listEndpointSliceForAllNamespaces(args)
          : await this.discovery.listNamespacedEndpointSlice({ namespace: query.namespace, ...args });
      return page<KubeEndpointSlice>(result);
    } catch (error) {
      throw asApiError(error, `list ${collectionPath('endpointslices', query.namespace)}`);
    }
  }

  watchEndpointSlices(query: WatchQuery, handlers: WatchHandlers<KubeEndpointSlice>): WatchHandle {
    return this.watch('endpointslices', query, handlers);
  }

  private watch<T>(resource: Resource, query: WatchQuery, handlers: WatchHandlers<T>): WatchHandle {
    const path = collectionPath(resource, query.namespace);
    const { watch: _watch, ...params } = watchParams(query); // Watch adds watch=true itself
    let finished = false;
    let controller: AbortController | undefined;
    const finish = (error?: Error) => {
      if (finished) return;
      finished = true;
      handlers.done(error);
    };
    this.watcher
      .watch(
        path,
        params,
        (type: string, object: unknown) => {
          if (!finished) handlers.event({ type: type as WatchEventType, object: object as T });
        },
        // Called with null when the server ends the watch, with an error otherwise (and after an abort).
        (error: unknown) => finish(error ? asApiError(error, `watch ${path}`) : undefined),
      )
      .then(
        (started) => {
          controller = started;
          if (finished) started.abort();
        },
        (error: unknown) => finish(asApiError(error, `watch ${path}`)),
      );
    return {
      abort: () => {
        finished = true;
        controller?.abort();
      },
    };
  }
}

/** A {@link KubeApi} for a kubeconfig context, through `@kubernetes/client-node`. */
export function createClientNodeKubeApi(options: ClientNodeKubeApiOptions): ClientNodeKubeApi {
  const config = new KubeConfig();
  config.loadFromFile(options.kubeconfigPath);
  if (options.context !== undefined) config.setCurrentContext(options.context);
  return new ClientNodeKubeApi(config);
}

import type { ListQuery, WatchQuery } from './kube-api';

export type Resource = 'services' | 'endpointslices';

const GROUP_PATH: Record<Resource, string> = {
  services: '/api/v1',
  endpointslices: '/apis/discovery.k8s.io/v1',
};

/** The collection path of `resource`, cluster-wide or in one namespace. */
export function collectionPath(resource: Resource, namespace: string | undefined): string {
  const ns = namespace === undefined ? '' : `/namespaces/${encodeURIComponent(namespace)}`;
  return `${GROUP_PATH[resource]}${ns}/${resource}`;
}

/** Query parameters of a list page. The server bounds the request too (timeoutSeconds). */
export function listParams(query: ListQuery): Record<string, string> {
  const params: Record<string, string> = {};
  if (query.labelSelector) params.labelSelector = query.labelSelector;
  if (query.limit !== undefined) params.limit = String(query.limit);
  if (query.continue) params.continue = query.continue;
  if (query.timeoutMs !== undefined) params.timeoutSeconds = String(Math.max(1, Math.ceil(query.timeoutMs / 1000)));
  return params;
}

/** Query parameters of a watch: always with bookmarks. */
export function watchParams(query: WatchQuery): Record<string, string> {
  const params: Record<string, string> = {
    watch: 'true',
    allowWatchBookmarks: 'true',
    resourceVersion: query.resourceVersion,
    timeoutSeconds: String(query.timeoutSeconds),
  };
  if (query.labelSelector) params.labelSelector = query.labelSelector;
  return params;
}

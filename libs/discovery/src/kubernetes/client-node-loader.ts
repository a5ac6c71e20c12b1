import type { ClientNodeKubeApiOptions } from './client-node-api';
import type { KubeApi } from './kube-api';

/**
 * The {@link KubeApi} over `@kubernetes/client-node` for a kubeconfig context, loaded on first call: the
 * package is ESM-only, which Node >= 20.19 `require`s but Jest cannot load, so no module imports it up front.
 */
export function loadClientNodeKubeApi(options: ClientNodeKubeApiOptions): KubeApi {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const adapter = require('./client-node-api') as typeof import('./client-node-api');
  return adapter.createClientNodeKubeApi(options);
}

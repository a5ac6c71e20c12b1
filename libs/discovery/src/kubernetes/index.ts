// client-node-api.ts is left out on purpose: @kubernetes/client-node is ESM-only (Jest cannot load it), so it is
// only ever required by loadClientNodeKubeApi, when called.
export type { ClientNodeKubeApiOptions } from './client-node-api';
export { loadClientNodeKubeApi } from './client-node-loader';
export { isGone, InvalidKubernetesOptionsError, KubeApiError, KubeconfigError } from './errors';
export { createHttpKubeApi, HttpKubeApi } from './http-kube-api';
export type * from './kube-api';
export { SERVICE_NAME_LABEL } from './kube-objects';
export { loadKubeconfig, type KubeAccess } from './kubeconfig';
export { KubernetesSource } from './kubernetes-source';
export type { StreamPhase, StreamStatus } from './list-watch';
export type { MappingProblem } from './cluster-state';
export { checkKubernetesOptions, type KubernetesSourceOptions } from './options';
export type { KubernetesSourceStatus } from './status';

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExternalTarget } from './components';
import { type Env, envPort, envSeconds, envString } from './env';
import { KUBERNETES_VERSION } from './k8s-build';
import { kubeconfigPathOf, usableKubeconfig, type KubernetesSpec } from './k8s';
import { probeKubernetes } from './k8s-probe';
import { kubeconfigFromEnv, KubeconfigError } from './kubeconfig';
import { cacheDir, instanceDir } from './paths';

function envCount(env: Env, name: string): number | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!/^\d+$/.test(value) || Number(value) === 0)
    throw new Error(`${name} must be a positive integer, got "${value}"`);
  return Number(value);
}

/** The default Kubernetes (`k8s`: kube-apiserver on 6443, its etcd on 12379/12380), from the environment. */
export function k8sSpecFromEnv(env: Env = process.env): KubernetesSpec {
  const dir = instanceDir('k8s', env);
  return {
    name: 'k8s',
    host: '127.0.0.1',
    port: envPort(env, 'GANTRY_K8S_PORT', 6443),
    version: envString(env, 'GANTRY_K8S_VERSION', KUBERNETES_VERSION),
    readyTimeoutMs: envSeconds(env, 'GANTRY_K8S_READY_TIMEOUT', 120),
    buildTimeoutMs: envSeconds(env, 'GANTRY_K8S_BUILD_TIMEOUT', 45 * 60),
    buildParallelism: envCount(env, 'GANTRY_K8S_BUILD_PARALLELISM'),
    dir,
    cacheDir: cacheDir(env),
    etcd: {
      name: 'k8s-etcd',
      host: '127.0.0.1',
      clientPort: envPort(env, 'GANTRY_ETCD_PORT', 12379),
      peerPort: envPort(env, 'GANTRY_ETCD_PEER_PORT', 12380),
      readyTimeoutMs: envSeconds(env, 'GANTRY_ETCD_READY_TIMEOUT', 30),
      dir: path.join(dir, 'etcd'),
      cacheDir: cacheDir(env),
    },
  };
}

/** The kubeconfig clients use: KUBECONFIG if set, else the one `up` writes for our kube-apiserver. */
export function kubeconfigEndpoint(env: Env = process.env): string {
  return (
    kubeconfigFromEnv(env) ??
    usableKubeconfig(kubeconfigPathOf(instanceDir('k8s', env)), cacheDir(env), envPort(env, 'GANTRY_K8S_PORT', 6443))
  );
}

/** The cluster KUBECONFIG names (its current context): only waited for, never started. */
export function k8sExternalTarget(env: Env = process.env): ExternalTarget | undefined {
  const file = kubeconfigFromEnv(env);
  if (!file) return undefined;
  if (!fs.existsSync(file)) throw new KubeconfigError(`KUBECONFIG names ${file}, which does not exist`);
  return {
    component: 'k8s',
    variable: 'KUBECONFIG',
    addresses: [file],
    readyTimeoutMs: envSeconds(env, 'GANTRY_K8S_READY_TIMEOUT', 120),
    probe: (timeoutMs) => probeKubernetes(file, timeoutMs),
  };
}

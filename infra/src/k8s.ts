import * as fs from 'node:fs';
import * as path from 'node:path';
import { etcdInstance, type EtcdSpec } from './etcd';
import type { Instance, Log, Prepared } from './instance';
import { KUBERNETES_VERSION, kubeApiserverBinary } from './k8s-build';
import { ensureCredentials } from './k8s-credentials';
import { probeKubernetes } from './k8s-probe';
import { renderKubeconfig } from './kubeconfig';
import { cacheDir as defaultCacheDir, instanceDir } from './paths';

/** A kube-apiserver on its own etcd, no controller-manager or scheduler: the API and its storage only. */
export interface KubernetesSpec {
  /** Instance name, e.g. `k8s`. */
  readonly name: string;
  readonly host?: string;
  /** The API server's (TLS) port. */
  readonly port: number;
  /** Its etcd, started first and stopped last. */
  readonly etcd: EtcdSpec;
  /** A Kubernetes release, e.g. `v1.33.4` (built from source once). */
  readonly version?: string;
  /** From launch until /readyz answers. */
  readonly readyTimeoutMs?: number;
  /** The cold build of kube-apiserver (and the wait for another process building it). */
  readonly buildTimeoutMs?: number;
  /** `go build -p` for that build. */
  readonly buildParallelism?: number;
  /** Defaults to `<infra dir>/<name>`. */
  readonly dir?: string;
  /** Defaults to `GANTRY_CACHE_DIR` or ~/.cache/gantry. */
  readonly cacheDir?: string;
}

/** Where the kubeconfig of the instance in `dir` is written (server, CA file, admin token). */
export const kubeconfigPathOf = (dir: string): string => path.join(dir, 'kubeconfig');

/**
 * Where the checkout that started a kube-apiserver on `port` publishes its kubeconfig, in the cache every
 * checkout of this machine shares: another checkout (a CI clone) finding the port taken reuses that server
 * through it, as it reuses a Kafka or Cassandra it did not start.
 */
export const publishedKubeconfigPath = (cache: string, port: number): string =>
  path.join(cache, 'k8s', 'running', `${port}.kubeconfig`);

/** This checkout's kubeconfig when it has one, else the one published for the port (or this one's path). */
export function usableKubeconfig(own: string, cache: string, port: number): string {
  if (fs.existsSync(own)) return own;
  const published = publishedKubeconfigPath(cache, port);
  return fs.existsSync(published) ? published : own;
}

export interface KubeApiserverArgs {
  readonly host: string;
  readonly port: number;
  readonly etcdUrl: string;
  readonly certDir: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
  readonly tokensCsv: string;
}

/**
 * The recipe's flags: static token authentication, RBAC, no ServiceAccount admission (no controller creates
 * service accounts), no endpoint reconciler (the default `kubernetes` Endpoints would name an address nothing
 * serves). `--cert-dir=<dir>` is what marks the process as ours; the server writes a self-signed certificate
 * there on first start.
 */
export function kubeApiserverArgs(args: KubeApiserverArgs): string[] {
  return [
    `--etcd-servers=${args.etcdUrl}`,
    `--bind-address=${args.host}`,
    `--advertise-address=${args.host}`,
    `--secure-port=${args.port}`,
    `--cert-dir=${args.certDir}`,
    '--service-cluster-ip-range=10.0.0.0/24',
    `--service-account-issuer=https://${args.host}:${args.port}`,
    `--service-account-key-file=${args.serviceAccountPub}`,
    `--service-account-signing-key-file=${args.serviceAccountKey}`,
    `--token-auth-file=${args.tokensCsv}`,
    '--authorization-mode=RBAC',
    '--disable-admission-plugins=ServiceAccount',
    '--allow-privileged=true',
    '--endpoint-reconciler-type=none',
  ];
}

export function kubernetesInstance(spec: KubernetesSpec): Instance {
  const host = spec.host ?? '127.0.0.1';
  const dir = spec.dir ?? instanceDir(spec.name);
  const version = spec.version ?? KUBERNETES_VERSION;
  const certDir = path.join(dir, 'certs');
  const stdoutLog = path.join(dir, 'logs', 'stdout.log');
  const kubeconfig = kubeconfigPathOf(dir);
  const address = `${host}:${spec.port}`;
  const etcd = etcdInstance(spec.etcd);
  const buildTimeoutMs = spec.buildTimeoutMs ?? 45 * 60_000;

  const prepare = async (log: Log): Promise<Prepared> => {
    const fetchStarted = Date.now();
    const binary = await kubeApiserverBinary(
      {
        version,
        cacheDir: spec.cacheDir ?? defaultCacheDir(),
        timeoutMs: buildTimeoutMs,
        parallelism: spec.buildParallelism,
      },
      log,
    );
    const fetchMs = binary.built ? Date.now() - fetchStarted : 0;
    fs.mkdirSync(certDir, { recursive: true, mode: 0o700 });
    const credentials = ensureCredentials(path.join(dir, 'credentials'));
    // The CA is referenced by path: kube-apiserver writes apiserver.crt (leaf + its CA) on its first start.
    fs.writeFileSync(
      kubeconfig,
      renderKubeconfig({
        server: `https://${address}`,
        caFile: path.join(certDir, 'apiserver.crt'),
        token: credentials.token,
        name: `gantry-${spec.name}`,
      }),
      { mode: 0o600 },
    );
    const published = publishedKubeconfigPath(spec.cacheDir ?? defaultCacheDir(), spec.port);
    fs.mkdirSync(path.dirname(published), { recursive: true });
    fs.copyFileSync(kubeconfig, published);
    const args = kubeApiserverArgs({
      host,
      port: spec.port,
      etcdUrl: `http://${etcd.address}`,
      certDir,
      ...credentials,
    });
    return { fetchMs, launch: { command: binary.path, args, cwd: dir } };
  };

  return {
    name: spec.name,
    kind: 'k8s',
    dir,
    host,
    address,
    binds: [{ host, port: spec.port }],
    marker: `--cert-dir=${certDir}`,
    readyTimeoutMs: spec.readyTimeoutMs ?? 120_000,
    prepareTimeoutMs: buildTimeoutMs,
    dependsOn: [etcd],
    mainLog: stdoutLog,
    prepare,
    probe: (timeoutMs) =>
      probeKubernetes(usableKubeconfig(kubeconfig, spec.cacheDir ?? defaultCacheDir(), spec.port), timeoutMs),
  };
}

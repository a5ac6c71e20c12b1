import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { candidateVersion, type DebianBinary, DebianFetchError, fetchDebianBinary, upstreamVersion } from './debian';
import type { Instance, Log, Prepared } from './instance';
import { probeEtcd } from './k8s-probe';
import { cacheDir as defaultCacheDir, instanceDir } from './paths';
import { newestCached } from './redis';

/** Debian bookworm's etcd 3.4, enough for one kube-apiserver. */
export const ETCD_PACKAGE = 'etcd-server';

const HINT = 'or set KUBECONFIG to a running Kubernetes cluster';

/** One single-member etcd cluster on loopback, its data in its own directory. */
export interface EtcdSpec {
  /** Instance name, e.g. `k8s-etcd`. */
  readonly name: string;
  readonly host?: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly readyTimeoutMs?: number;
  /** Defaults to `<infra dir>/<name>`. */
  readonly dir?: string;
  /** Defaults to `GANTRY_CACHE_DIR` or ~/.cache/gantry. */
  readonly cacheDir?: string;
}

function etcdVersion(binary: string, env: Readonly<Record<string, string>>): string {
  const result = spawnSync(binary, ['--version'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const match = /etcd Version: (\S+)/.exec(result.stdout ?? '');
  if (result.error || result.status !== 0 || !match) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new DebianFetchError(`${binary} --version failed (${why}):\n${result.stdout}${result.stderr}`.trim());
  }
  return `etcd ${match[1]}`;
}

/** etcd from Debian, in `<cache>/etcd/<version>/`: the newest one cached, else the version apt offers now. */
export async function etcdBinary(cacheDir: string, log: Log): Promise<DebianBinary> {
  const root = path.join(cacheDir, 'etcd');
  const version = newestCached(root) ?? upstreamVersion(candidateVersion(ETCD_PACKAGE, HINT));
  return fetchDebianBinary(
    {
      name: 'etcd',
      packages: [ETCD_PACKAGE],
      binary: path.join('usr', 'bin', 'etcd'),
      version: etcdVersion,
      hint: HINT,
    },
    path.join(root, version),
    log,
  );
}

export interface EtcdArgs {
  readonly name: string;
  readonly host: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  readonly logFile: string;
}

/** The command line of a single-member cluster; `--data-dir=<dir>` is what marks the process as ours. */
export function etcdArgs(args: EtcdArgs): string[] {
  const client = `http://${args.host}:${args.clientPort}`;
  const peer = `http://${args.host}:${args.peerPort}`;
  return [
    `--name=${args.name}`,
    `--data-dir=${args.dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${args.name}=${peer}`,
    '--initial-cluster-state=new',
    '--logger=zap',
    `--log-outputs=${args.logFile}`,
  ];
}

export function etcdInstance(spec: EtcdSpec): Instance {
  const host = spec.host ?? '127.0.0.1';
  const dir = spec.dir ?? instanceDir(spec.name);
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(dir, 'logs', 'etcd.log');
  const clientUrl = `http://${host}:${spec.clientPort}`;
  const args = etcdArgs({
    name: spec.name,
    host,
    clientPort: spec.clientPort,
    peerPort: spec.peerPort,
    dataDir,
    logFile,
  });

  const prepare = async (log: Log): Promise<Prepared> => {
    const fetchStarted = Date.now();
    const etcd = await etcdBinary(spec.cacheDir ?? defaultCacheDir(), log);
    const fetchMs = etcd.downloaded ? Date.now() - fetchStarted : 0;
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 }); // etcd refuses a data dir others can read
    return { fetchMs, launch: { command: etcd.path, args, cwd: dir, env: { ...process.env, ...etcd.env } } };
  };

  return {
    name: spec.name,
    kind: 'etcd',
    dir,
    host,
    address: `${host}:${spec.clientPort}`,
    binds: [
      { host, port: spec.clientPort },
      { host, port: spec.peerPort },
    ],
    marker: `--data-dir=${dataDir}`,
    readyTimeoutMs: spec.readyTimeoutMs ?? 30_000,
    probeIntervalMs: 100,
    mainLog: logFile,
    prepare,
    probe: (timeoutMs) => probeEtcd(clientUrl, timeoutMs),
  };
}

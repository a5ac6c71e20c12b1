import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { candidateVersion, type DebianBinary, DebianFetchError, fetchDebianBinary, upstreamVersion } from './debian';
import type { Instance, Log, Prepared } from './instance';
import { cacheDir as defaultCacheDir, instanceDir } from './paths';
import { probeRedis } from './readiness';
import { renderRedisConf } from './redis-config';

/** On bookworm the server binary ships in `redis-tools` (as redis-check-rdb); `redis-server` only adds a link. */
export const REDIS_PACKAGE = 'redis-tools';

const HINT = 'or set GANTRY_REDIS_URL to a running Redis';

/** One Redis server without persistence. A second one is another spec: own name and port. */
export interface RedisSpec {
  /** Instance name and directory name, e.g. `redis`. */
  readonly name: string;
  readonly host?: string;
  readonly port: number;
  readonly readyTimeoutMs?: number;
  /** Defaults to `<infra dir>/<name>`. */
  readonly dir?: string;
  /** Defaults to `GANTRY_CACHE_DIR` or ~/.cache/gantry. */
  readonly cacheDir?: string;
}

/**
 * Redis picks its mode from the name it runs under: the redis-check-rdb executable is the server when called
 * `redis-server`. Debian ships that link in the `redis-server` package; we make it ourselves.
 */
function linkServer(tree: string): void {
  const link = path.join(tree, 'usr', 'bin', 'redis-server');
  if (!fs.existsSync(link)) fs.symlinkSync('redis-check-rdb', link);
}

function serverVersion(binary: string, env: Readonly<Record<string, string>>): string {
  const result = spawnSync(binary, ['--version'], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const match = /Redis server v=(\S+)/.exec(result.stdout ?? '');
  if (result.error || result.status !== 0 || !match) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new DebianFetchError(`${binary} --version failed (${why}):\n${result.stdout}${result.stderr}`.trim());
  }
  return `redis-server ${match[1]}`;
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/\D+/).map(Number);
  const pb = b.split(/\D+/).map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const diff = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

/** The newest version already extracted under `<cache>/redis`, so a cached start never asks apt. */
export function newestCached(root: string): string | undefined {
  if (!fs.existsSync(root)) return undefined;
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && fs.existsSync(path.join(root, entry.name, '.complete')))
    .map((entry) => entry.name)
    .sort(compareVersions)
    .pop();
}

/**
 * redis-server from Debian, in `<cache>/redis/<version>/`: the newest one cached, else the version apt offers
 * now, fetched once (with any library missing here) under a lock.
 */
export async function redisServerBinary(cacheDir: string, log: Log): Promise<DebianBinary> {
  const root = path.join(cacheDir, 'redis');
  const version = newestCached(root) ?? upstreamVersion(candidateVersion(REDIS_PACKAGE, HINT));
  return fetchDebianBinary(
    {
      name: 'redis-server',
      packages: [REDIS_PACKAGE],
      binary: path.join('usr', 'bin', 'redis-server'),
      afterExtract: linkServer,
      version: serverVersion,
      hint: HINT,
    },
    path.join(root, version),
    log,
  );
}

export function redisInstance(spec: RedisSpec): Instance {
  const host = spec.host ?? '127.0.0.1';
  const dir = spec.dir ?? instanceDir(spec.name);
  const logsDir = path.join(dir, 'logs');
  const dataDir = path.join(dir, 'data');
  const confFile = path.join(dir, 'redis.conf');
  const address = `${host}:${spec.port}`;

  const prepare = async (log: Log): Promise<Prepared> => {
    const fetchStarted = Date.now();
    const server = await redisServerBinary(spec.cacheDir ?? defaultCacheDir(), log);
    const fetchMs = server.downloaded ? Date.now() - fetchStarted : 0;
    fs.mkdirSync(logsDir, { recursive: true });
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(
      confFile,
      renderRedisConf({ host, port: spec.port, dataDir, logFile: path.join(logsDir, 'redis.log') }),
    );
    return {
      fetchMs,
      launch: { command: server.path, args: [confFile], cwd: dir, env: { ...process.env, ...server.env } },
    };
  };

  return {
    name: spec.name,
    kind: 'redis',
    dir,
    host,
    address,
    binds: [{ host, port: spec.port }],
    // redis.conf keeps the process title as launched, so the config path on the command line marks it as ours.
    marker: confFile,
    readyTimeoutMs: spec.readyTimeoutMs ?? 30_000,
    probeIntervalMs: 25,
    mainLog: path.join(logsDir, 'redis.log'),
    prepare,
    probe: (timeoutMs) => probeRedis(`redis://${address}`, timeoutMs),
  };
}

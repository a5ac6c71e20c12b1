import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { consulAgentArgs } from './consul-args';
import { probeConsul } from './consul-probe';
import { buildGoBinary, type GoBinary, GoBuildError, goDirs } from './go-module-build';
import type { Instance, Log, Prepared } from './instance';
import { cacheDir as defaultCacheDir, instanceDir } from './paths';

/** Newer releases may not compile against their published submodules from the module proxy. */
export const CONSUL_VERSION = '1.19.2';

const HINT = 'or set CONSUL_HTTP_ADDR to a running Consul agent';

/** One Consul dev agent (server, in-memory). A second one is another spec: own name and ports. */
export interface ConsulSpec {
  /** Instance name and directory name, e.g. `consul`. */
  readonly name: string;
  readonly host?: string;
  readonly httpPort: number;
  readonly serverPort: number;
  readonly serfLanPort: number;
  /** The agent's node name (default `gantry-test`). */
  readonly nodeName?: string;
  readonly version?: string;
  readonly readyTimeoutMs?: number;
  /** Defaults to `<infra dir>/<name>`. */
  readonly dir?: string;
  /** Defaults to `GANTRY_CACHE_DIR` or ~/.cache/gantry. */
  readonly cacheDir?: string;
}

/** Runs `consul version`; returns its first line if it names `version`, throws otherwise. */
export function verifyConsulVersion(binary: string, version: string): string {
  const result = spawnSync(binary, ['version'], { encoding: 'utf8', timeout: 30_000 });
  const first = (result.stdout ?? '').split('\n')[0].trim();
  if (result.error || result.status !== 0 || first !== `Consul v${version}`) {
    const why = result.error?.message ?? `exit ${result.status}`;
    throw new GoBuildError(
      `${binary} version did not print "Consul v${version}" (${why}):\n${result.stdout}${result.stderr}`.trim(),
    );
  }
  return first;
}

/**
 * The consul binary, built from the Go module proxy once into `<cache>/consul/<version>/bin/consul`. Consul's
 * go.mod has replace directives, so `go install consul@version` refuses it: a wrapper module gets it as a tool
 * instead, excluding the go-msgpack versions that do not build with it.
 */
export function consulBinary(cacheDir: string, version: string, log: Log): Promise<GoBinary> {
  return buildGoBinary(
    {
      name: 'consul',
      module: 'github.com/hashicorp/consul',
      version: `v${version}`,
      excludes: ['github.com/hashicorp/go-msgpack@v1.1.5', 'github.com/hashicorp/go-msgpack@v1.1.6'],
      verify: (binary) => verifyConsulVersion(binary, version),
      hint: HINT,
    },
    path.join(cacheDir, 'consul', version),
    goDirs(cacheDir),
    log,
  );
}

export function consulInstance(spec: ConsulSpec): Instance {
  const host = spec.host ?? '127.0.0.1';
  const dir = spec.dir ?? instanceDir(spec.name);
  const logsDir = path.join(dir, 'logs');
  const dataDir = path.join(dir, 'data');
  const logFile = path.join(logsDir, 'consul.log');
  const address = `${host}:${spec.httpPort}`;
  const version = spec.version ?? CONSUL_VERSION;

  const prepare = async (log: Log): Promise<Prepared> => {
    const consul = await consulBinary(spec.cacheDir ?? defaultCacheDir(), version, log);
    fs.mkdirSync(logsDir, { recursive: true });
    fs.mkdirSync(dataDir, { recursive: true });
    const args = consulAgentArgs({
      host,
      httpPort: spec.httpPort,
      serverPort: spec.serverPort,
      serfLanPort: spec.serfLanPort,
      nodeName: spec.nodeName ?? 'gantry-test',
      dataDir,
      logFile,
    });
    return { fetchMs: consul.buildMs, launch: { command: consul.path, args, cwd: dir } };
  };

  return {
    name: spec.name,
    kind: 'consul',
    dir,
    host,
    address,
    binds: [
      { host, port: spec.httpPort },
      { host, port: spec.serverPort },
      { host, port: spec.serfLanPort },
    ],
    // The instance's data dir is on the agent's command line (-data-dir): a recycled PID is never taken for ours.
    marker: dataDir,
    readyTimeoutMs: spec.readyTimeoutMs ?? 60_000,
    // The first prepare builds Consul (about 10 minutes on 2 cores); a concurrent `up` waits for it.
    prepareTimeoutMs: 90 * 60_000,
    probeIntervalMs: 100,
    mainLog: logFile,
    prepare,
    probe: (timeoutMs) => probeConsul(`http://${address}`, undefined, timeoutMs),
  };
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  cassandraArtifacts,
  cassandraJvmOptions,
  renderCassandraYaml,
  renderLogback,
  renderRackDc,
} from './cassandra-config';
import type { Instance, Log, Prepared } from './instance';
import { markerArg } from './instance';
import { javaExecutable } from './java';
import { fetchClasspath, findJar } from './maven';
import { cacheDir as defaultCacheDir, instanceDir } from './paths';
import { probeCassandra } from './readiness';

export const CASSANDRA_VERSION = '5.0.9';

/**
 * One Cassandra node. A second data centre is another spec: e.g. name `cassandra-dc2`, listen address
 * 127.0.0.2, dc `dc2`, JMX 7299, initial token "1", seeds ["127.0.0.1:7000"]; start it after node 1.
 */
export interface CassandraSpec {
  readonly name: string;
  readonly listenAddress?: string;
  readonly nativePort: number;
  readonly storagePort: number;
  readonly jmxPort: number;
  readonly dc: string;
  readonly rack?: string;
  readonly initialToken?: string;
  /** Defaults to this node itself. */
  readonly seeds?: readonly string[];
  readonly clusterName?: string;
  /** JVM heap, e.g. `1g`. */
  readonly heap?: string;
  readonly version?: string;
  readonly readyTimeoutMs?: number;
  /** Defaults to `<infra dir>/<name>`. */
  readonly dir?: string;
  /** Defaults to `GANTRY_CACHE_DIR` or ~/.cache/gantry. */
  readonly cacheDir?: string;
}

/** What the stored data was created as; changing any of it over existing data is fatal, so we wipe. */
interface NodeIdentity {
  readonly clusterName: string;
  readonly dc: string;
  readonly rack: string;
  readonly initialToken: string;
  readonly listenAddress: string;
}

const STATE_DIRS = ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw'];

function ensureIdentity(name: string, dir: string, identity: NodeIdentity, log: Log): void {
  const file = path.join(dir, 'node-identity.json');
  const wanted = JSON.stringify(identity);
  const recorded = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : undefined;
  const hasData = fs.existsSync(path.join(dir, 'data'));
  if (hasData && recorded !== wanted) {
    log(`${name}: stored data was created as ${recorded ?? 'an unknown node'}: wiping it`);
    for (const sub of STATE_DIRS) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
  }
  fs.writeFileSync(file, `${wanted}\n`);
}

export function cassandraInstance(spec: CassandraSpec): Instance {
  const listenAddress = spec.listenAddress ?? '127.0.0.1';
  const version = spec.version ?? CASSANDRA_VERSION;
  const dir = spec.dir ?? instanceDir(spec.name);
  const logsDir = path.join(dir, 'logs');
  const address = `${listenAddress}:${spec.nativePort}`;
  const identity: NodeIdentity = {
    clusterName: spec.clusterName ?? 'gantry',
    dc: spec.dc,
    rack: spec.rack ?? 'rack1',
    initialToken: spec.initialToken ?? '0',
    listenAddress,
  };

  const prepare = async (log: Log): Promise<Prepared> => {
    const java = javaExecutable(log);
    const fetchStarted = Date.now();
    const { libDir, downloaded } = await fetchClasspath(
      { key: `cassandra-${version}`, artifacts: cassandraArtifacts(version) },
      spec.cacheDir ?? defaultCacheDir(),
      log,
    );
    const fetchMs = downloaded ? Date.now() - fetchStarted : 0;
    fs.mkdirSync(logsDir, { recursive: true });
    for (const sub of ['triggers', 'tmp']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
    ensureIdentity(spec.name, dir, identity, log);
    fs.writeFileSync(
      path.join(dir, 'cassandra.yaml'),
      renderCassandraYaml({
        clusterName: identity.clusterName,
        listenAddress,
        nativePort: spec.nativePort,
        storagePort: spec.storagePort,
        seeds: spec.seeds ?? [`${listenAddress}:${spec.storagePort}`],
        initialToken: identity.initialToken,
        dir,
      }),
    );
    fs.writeFileSync(path.join(dir, 'cassandra-rackdc.properties'), renderRackDc(identity.dc, identity.rack));
    fs.writeFileSync(path.join(dir, 'logback.xml'), renderLogback());

    const options = cassandraJvmOptions({
      heap: spec.heap ?? '1g',
      jmxPort: spec.jmxPort,
      dir,
      logsDir,
      jammJar: findJar(libDir, 'jamm-'),
    });
    return {
      fetchMs,
      launch: {
        command: java,
        args: [
          ...options,
          markerArg(dir),
          '-cp',
          path.join(libDir, '*'),
          'org.apache.cassandra.service.CassandraDaemon',
        ],
        cwd: dir,
      },
    };
  };

  return {
    name: spec.name,
    kind: 'cassandra',
    dir,
    host: listenAddress,
    address,
    binds: [
      { host: listenAddress, port: spec.nativePort },
      { host: listenAddress, port: spec.storagePort },
      { host: '127.0.0.1', port: spec.jmxPort }, // local JMX always listens on 127.0.0.1
    ],
    marker: markerArg(dir),
    readyTimeoutMs: spec.readyTimeoutMs ?? 240_000,
    mainLog: path.join(logsDir, 'system.log'),
    prepare,
    probe: (timeoutMs) => probeCassandra([address], identity.dc, timeoutMs),
  };
}

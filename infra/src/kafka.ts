import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isValidClusterId, newClusterId, parseProperties } from './cluster-id';
import type { Instance, Log, Prepared } from './instance';
import { markerArg } from './instance';
import { javaExecutable } from './java';
import { kafkaArtifacts, kafkaJvmOptions, renderKafkaLog4j, renderServerProperties } from './kafka-config';
import { fetchClasspath } from './maven';
import { cacheDir as defaultCacheDir, instanceDir } from './paths';
import { probeKafka } from './readiness';

export const KAFKA_VERSION = '3.9.1';

/** One single-node KRaft cluster. A second cluster is another spec: own name, ports and cluster id. */
export interface KafkaSpec {
  /** Instance name and directory name, e.g. `kafka` or `kafka-b`. */
  readonly name: string;
  readonly host?: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly nodeId?: number;
  /** JVM heap, e.g. `512m`. */
  readonly heap?: string;
  readonly version?: string;
  /** Fixed cluster id; by default one is drawn at random the first time and kept in `<dir>/cluster-id`. */
  readonly clusterId?: string;
  readonly readyTimeoutMs?: number;
  /** Defaults to `<infra dir>/<name>`. */
  readonly dir?: string;
  /** Defaults to `GANTRY_CACHE_DIR` or ~/.cache/gantry. */
  readonly cacheDir?: string;
}

/** The cluster id this instance's storage must carry: the spec's, the recorded one, or a new one. */
function desiredClusterId(spec: KafkaSpec, file: string): string {
  const id = spec.clusterId ?? (fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : newClusterId());
  if (!isValidClusterId(id)) throw new Error(`${spec.name}: "${id}" is not a valid Kafka cluster id`);
  return id;
}

/**
 * Formats the KRaft storage once. If it was formatted for another cluster id or node id (or is
 * half-written), it is wiped first: reusing it would fail at start.
 */
function ensureStorage(options: {
  name: string;
  java: string;
  libDir: string;
  dir: string;
  dataDir: string;
  clusterId: string;
  nodeId: number;
  log: Log;
}): void {
  const { name, java, libDir, dir, dataDir, clusterId, nodeId, log } = options;
  const metaFile = path.join(dataDir, 'meta.properties');
  if (fs.existsSync(metaFile)) {
    const meta = parseProperties(fs.readFileSync(metaFile, 'utf8'));
    if (meta.get('cluster.id') === clusterId && meta.get('node.id') === String(nodeId)) return;
    log(
      `${name}: ${dataDir} belongs to cluster ${meta.get('cluster.id') ?? '?'} / node ${meta.get('node.id') ?? '?'}: wiping it`,
    );
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  const result = spawnSync(
    java,
    [
      `-Dlog4j.configuration=file:${path.join(dir, 'log4j.properties')}`,
      `-Dkafka.logs.dir=${path.join(dir, 'logs')}`,
      '-cp',
      path.join(libDir, '*'),
      'kafka.tools.StorageTool',
      'format',
      '-t',
      clusterId,
      '-c',
      path.join(dir, 'server.properties'),
    ],
    { cwd: dir, encoding: 'utf8', timeout: 120_000 },
  );
  if (result.status !== 0) {
    throw new Error(
      `${name}: formatting ${dataDir} failed (${result.error?.message ?? `exit ${result.status}`}):\n${result.stdout}${result.stderr}`,
    );
  }
  log(`${name}: formatted ${dataDir} for cluster ${clusterId}`);
}

export function kafkaInstance(spec: KafkaSpec): Instance {
  const host = spec.host ?? '127.0.0.1';
  const nodeId = spec.nodeId ?? 1;
  const version = spec.version ?? KAFKA_VERSION;
  const heap = spec.heap ?? '512m';
  const dir = spec.dir ?? instanceDir(spec.name);
  const logsDir = path.join(dir, 'logs');
  const dataDir = path.join(dir, 'data');
  const address = `${host}:${spec.port}`;

  const prepare = async (log: Log): Promise<Prepared> => {
    const java = javaExecutable(log);
    const fetchStarted = Date.now();
    const { libDir, downloaded } = await fetchClasspath(
      { key: `kafka-${version}`, artifacts: kafkaArtifacts(version) },
      spec.cacheDir ?? defaultCacheDir(),
      log,
    );
    const fetchMs = downloaded ? Date.now() - fetchStarted : 0;
    fs.mkdirSync(logsDir, { recursive: true });
    const properties = path.join(dir, 'server.properties');
    const log4j = path.join(dir, 'log4j.properties');
    fs.writeFileSync(
      properties,
      renderServerProperties({ host, port: spec.port, controllerPort: spec.controllerPort, nodeId, dataDir }),
    );
    fs.writeFileSync(log4j, renderKafkaLog4j());

    const clusterIdFile = path.join(dir, 'cluster-id');
    const clusterId = desiredClusterId(spec, clusterIdFile);
    ensureStorage({ name: spec.name, java, libDir, dir, dataDir, clusterId, nodeId, log });
    fs.writeFileSync(clusterIdFile, `${clusterId}\n`);

    return {
      fetchMs,
      launch: {
        command: java,
        args: [
          ...kafkaJvmOptions(heap),
          markerArg(dir),
          `-Dlog4j.configuration=file:${log4j}`,
          `-Dkafka.logs.dir=${logsDir}`,
          '-cp',
          path.join(libDir, '*'),
          'kafka.Kafka',
          properties,
        ],
        cwd: dir,
      },
    };
  };

  return {
    name: spec.name,
    kind: 'kafka',
    dir,
    host,
    address,
    binds: [
      { host, port: spec.port },
      { host, port: spec.controllerPort },
    ],
    marker: markerArg(dir),
    readyTimeoutMs: spec.readyTimeoutMs ?? 120_000,
    mainLog: path.join(logsDir, 'server.log'),
    prepare,
    probe: (timeoutMs) => probeKafka([address], timeoutMs),
  };
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isValidClusterId, newClusterId, parseProperties } from './cluster-id';
import { cassandraJvmOptions, renderCassandraYaml, renderRackDc } from './cassandra-config';
import { COMPONENTS, kafkaSpecFromEnv, managedInstance, redisSpecFromEnv, target } from './components';
import { envHeap, envPort } from './env';
import { endpoints } from './index';
import { renderServerProperties } from './kafka-config';
import { renderPom } from './maven';
import { cacheDir, infraDir, REPO_ROOT } from './paths';
import { newestCached } from './redis';
import { renderRedisConf } from './redis-config';

describe('cluster ids', () => {
  it('are 22 characters of base64url, never starting with "-"', () => {
    for (let i = 0; i < 500; i++) {
      const id = newClusterId();
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(isValidClusterId(id)).toBe(true);
    }
  });

  it('redraws an id that would start with "-"', () => {
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)]; // 0xf8... encodes to "-Pj4..."
    expect(draws[0].toString('base64url').startsWith('-')).toBe(true);
    const id = newClusterId(() => draws.shift()!);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
  });

  it('reads meta.properties', () => {
    const meta = parseProperties('#\n#Tue Nov 24\nnode.id=1\ncluster.id=lw8oIP7LKyHSYa43BfTkBg\nversion=1\n');
    expect(meta.get('cluster.id')).toBe('lw8oIP7LKyHSYa43BfTkBg');
    expect(meta.get('node.id')).toBe('1');
  });
});

describe('config rendering', () => {
  it('renders a single-node KRaft server.properties on the given ports', () => {
    const text = renderServerProperties({
      host: '127.0.0.1',
      port: 9192,
      controllerPort: 9193,
      nodeId: 1,
      dataDir: '/x/data',
    });
    const props = parseProperties(text);
    expect(props.get('process.roles')).toBe('broker,controller');
    expect(props.get('controller.quorum.voters')).toBe('1@127.0.0.1:9193');
    expect(props.get('listeners')).toBe('PLAINTEXT://127.0.0.1:9192,CONTROLLER://127.0.0.1:9193');
    expect(props.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:9192');
    expect(props.get('log.dirs')).toBe('/x/data');
    expect(props.get('offsets.topic.replication.factor')).toBe('1');
  });

  it('renders cassandra.yaml and rackdc for a second data centre node', () => {
    const yaml = renderCassandraYaml({
      clusterName: 'gantry',
      listenAddress: '127.0.0.2',
      nativePort: 9042,
      storagePort: 7000,
      seeds: ['127.0.0.1:7000'],
      initialToken: '1',
      dir: '/x/cassandra-dc2',
    });
    expect(yaml).toContain('initial_token: "1"');
    expect(yaml).toContain('num_tokens: 1');
    expect(yaml).toContain('- seeds: "127.0.0.1:7000"');
    expect(yaml).toContain('listen_address: 127.0.0.2');
    expect(yaml).toContain('  - "/x/cassandra-dc2/data"');
    expect(yaml).not.toMatch(/\t/);
    expect(renderRackDc('dc2', 'rack1')).toContain('dc=dc2\nrack=rack1\n');
  });

  it('gives Cassandra the Java 17 flags and fast-start properties', () => {
    const options = cassandraJvmOptions({ heap: '1g', jmxPort: 7299, dir: '/x/c', logsDir: '/x/c/logs' });
    expect(options).toEqual(
      expect.arrayContaining([
        '-Xmx1g',
        '--add-opens=java.base/sun.nio.ch=ALL-UNNAMED',
        '--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED',
        '-Dcassandra.jmx.local.port=7299',
        '-Dcassandra.skip_wait_for_gossip_to_settle=0',
        '-Dcassandra.unsafesystem=true',
        '-Dcassandra.config=file:///x/c/cassandra.yaml',
      ]),
    );
  });

  it('renders a loopback redis.conf without persistence that keeps its command line', () => {
    const conf = renderRedisConf({
      host: '127.0.0.1',
      port: 6380,
      dataDir: '/x/my "redis"/data',
      logFile: '/x/redis/logs/redis.log',
    });
    const lines = conf.split('\n');
    expect(lines).toEqual(
      expect.arrayContaining([
        'bind 127.0.0.1',
        'port 6380',
        'save ""',
        'appendonly no',
        'set-proc-title no',
        'dir "/x/my \\"redis\\"/data"',
        'logfile "/x/redis/logs/redis.log"',
      ]),
    );
  });

  it('renders a pom that only declares dependencies', () => {
    const pom = renderPom({
      key: 'kafka-3.9.1',
      artifacts: [{ groupId: 'org.apache.kafka', artifactId: 'kafka_2.13', version: '3.9.1' }],
    });
    expect(pom).toContain('<packaging>pom</packaging>');
    expect(pom).toContain('<artifactId>kafka_2.13</artifactId><version>3.9.1</version>');
  });
});

describe('environment', () => {
  it('validates ports and heap sizes, naming the variable', () => {
    expect(envPort({ P: '9192' }, 'P', 1)).toBe(9192);
    expect(envPort({}, 'P', 9092)).toBe(9092);
    expect(() => envPort({ P: '70000' }, 'P', 1)).toThrow(/P must be a TCP port/);
    expect(envHeap({}, 'H', '512m')).toBe('512m');
    expect(() => envHeap({ H: 'lots' }, 'H', '1g')).toThrow(/H must be a JVM size/);
  });

  it('puts the cache outside the clone and per-run data inside it', () => {
    expect(cacheDir({ HOME: '/home/x' })).toMatch(/\.cache[/\\]gantry$/);
    expect(cacheDir({ GANTRY_CACHE_DIR: '/tmp/c' })).toBe(path.resolve('/tmp/c'));
    expect(infraDir({})).toBe(path.join(REPO_ROOT, '.infra'));
    expect(kafkaSpecFromEnv({ GANTRY_KAFKA_PORT: '9192', GANTRY_INFRA_DIR: '/tmp/i' })).toMatchObject({
      port: 9192,
      dir: path.resolve('/tmp/i/kafka'),
    });
  });

  it('uses the clusters named by the environment instead of starting any', () => {
    const env = {
      GANTRY_KAFKA_BROKERS: 'k1:9092, k2:9092',
      GANTRY_CASSANDRA_CONTACT_POINTS: 'c1:9042',
      GANTRY_CASSANDRA_LOCAL_DC: 'eu',
      GANTRY_REDIS_URL: 'redis://user:secret@r1:6380/2',
      CONSUL_HTTP_ADDR: 'c1:8501',
      KUBECONFIG: '/tmp/kube/config',
    };
    expect(endpoints(env)).toEqual({
      kafkaBrokers: ['k1:9092', 'k2:9092'],
      cassandraContactPoints: ['c1:9042'],
      cassandraLocalDc: 'eu',
      redisUrl: 'redis://user:secret@r1:6380/2',
      consulAddress: 'http://c1:8501',
      kubeconfig: path.resolve('/tmp/kube/config'),
    });
    expect(target('kafka', env).kind).toBe('external');
    expect(target('cassandra', {}).kind).toBe('managed');
    expect(target('redis', {}).kind).toBe('managed');
    expect(target('redis', env)).toMatchObject({
      kind: 'external',
      variable: 'GANTRY_REDIS_URL',
      addresses: ['redis://user:***@r1:6380/2'], // what status prints: never the password
    });
    // A cache with no kube-apiserver published by another checkout: this checkout's own kubeconfig.
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-cache-'));
    expect(endpoints({ GANTRY_KAFKA_PORT: '9192', GANTRY_REDIS_PORT: '6380', GANTRY_CACHE_DIR: cache })).toEqual({
      kafkaBrokers: ['127.0.0.1:9192'],
      cassandraContactPoints: ['127.0.0.1:9042'],
      cassandraLocalDc: 'dc1',
      redisUrl: 'redis://127.0.0.1:6380',
      consulAddress: 'http://127.0.0.1:8500',
      kubeconfig: path.join(REPO_ROOT, '.infra', 'k8s', 'kubeconfig'),
    });
  });

  it('rejects a GANTRY_REDIS_URL that is not a redis URL, naming the variable', () => {
    expect(() => target('redis', { GANTRY_REDIS_URL: '127.0.0.1:6379' })).toThrow(/GANTRY_REDIS_URL must be/);
    expect(() => target('redis', { GANTRY_REDIS_URL: 'http://r1:6379' })).toThrow(/GANTRY_REDIS_URL must be/);
    expect(() => target('redis', { GANTRY_REDIS_PORT: '0' })).toThrow(/GANTRY_REDIS_PORT must be a TCP port/);
  });
});

describe('components', () => {
  it('starts Kafka, then Cassandra, then Redis, then Consul, then Kubernetes', () => {
    expect(COMPONENTS).toEqual(['kafka', 'cassandra', 'redis', 'consul', 'k8s']);
  });

  it('runs Redis on 127.0.0.1 from the environment, marked by its config path', () => {
    const env = { GANTRY_REDIS_PORT: '6380', GANTRY_INFRA_DIR: '/tmp/i', GANTRY_CACHE_DIR: '/tmp/c' };
    expect(redisSpecFromEnv(env)).toMatchObject({
      name: 'redis',
      host: '127.0.0.1',
      port: 6380,
      dir: path.resolve('/tmp/i/redis'),
      cacheDir: path.resolve('/tmp/c'),
    });
    const redis = managedInstance('redis', env);
    expect(redis).toMatchObject({
      kind: 'redis',
      address: '127.0.0.1:6380',
      binds: [{ host: '127.0.0.1', port: 6380 }],
      marker: path.resolve('/tmp/i/redis/redis.conf'),
      mainLog: path.resolve('/tmp/i/redis/logs/redis.log'),
    });
  });

  it('starts the newest Redis already extracted, without asking apt', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-redis-cache-'));
    try {
      expect(newestCached(root)).toBeUndefined();
      for (const version of ['7.0.9', '7.0.15', '7.2.0']) fs.mkdirSync(path.join(root, version));
      for (const version of ['7.0.9', '7.0.15']) fs.writeFileSync(path.join(root, version, '.complete'), '{}');
      expect(newestCached(root)).toBe('7.0.15'); // 7.2.0 is half-extracted: no marker
      expect(newestCached(path.join(root, 'missing'))).toBeUndefined();
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

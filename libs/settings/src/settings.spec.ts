import { CLUSTER_DEFAULTS, STANDALONE_DEFAULTS, loadSettings, parseReplication } from './settings';
import { SettingsError, parseListenAddress } from './listen-address';

describe('loadSettings', () => {
  it('defaults to Kong ports with the admin on loopback', () => {
    const settings = loadSettings({}, CLUSTER_DEFAULTS);
    expect(settings.adminListen).toEqual({ host: '127.0.0.1', port: 8001 });
    expect(settings.proxyListen).toEqual({ host: '0.0.0.0', port: 8000 });
    expect(settings.statusListen.port).toBe(8100);
    expect(settings.log).toBe('kafka');
    expect(settings.store).toBe('cassandra');
    expect(settings.cassandra.replication).toEqual({ dc1: 1 });
  });

  it('uses embedded backends in standalone mode unless overridden', () => {
    expect(loadSettings({}, STANDALONE_DEFAULTS).log).toBe('embedded');
    expect(loadSettings({ GANTRY_LOG: 'kafka' }, STANDALONE_DEFAULTS).log).toBe('kafka');
  });

  it('reads brokers and contact points as lists', () => {
    const settings = loadSettings({
      GANTRY_KAFKA_BROKERS: '10.0.0.1:9092, 10.0.0.2:9092',
      GANTRY_CASSANDRA_CONTACT_POINTS: 'c1:9042',
      GANTRY_CASSANDRA_LOCAL_DC: 'eu',
    });
    expect(settings.kafka.brokers).toEqual(['10.0.0.1:9092', '10.0.0.2:9092']);
    expect(settings.cassandra.localDataCenter).toBe('eu');
    expect(settings.cassandra.replication).toEqual({ eu: 1 });
  });

  it('reads the proxy knobs', () => {
    const defaults = loadSettings({}).proxy;
    expect(defaults.tlsListen).toEqual({ host: '0.0.0.0', port: 8443 });
    expect(defaults.workers).toBe(1);
    expect(defaults.trustedIps).toEqual([]);
    const custom = loadSettings({
      GANTRY_PROXY_TLS_LISTEN: 'off',
      GANTRY_PROXY_WORKERS: '2',
      GANTRY_TRUSTED_IPS: '10.0.0.0/8, ::1',
    }).proxy;
    expect(custom.tlsListen).toBeNull();
    expect(custom.workers).toBe(2);
    expect(custom.trustedIps).toEqual(['10.0.0.0/8', '::1']);
    expect(() => loadSettings({ GANTRY_PROXY_WORKERS: '0' })).toThrow(/GANTRY_PROXY_WORKERS/);
    expect(defaults.configVersionHeader).toBeNull();
    expect(
      loadSettings({ GANTRY_PROXY_CONFIG_VERSION_HEADER: ' X-Gantry-Config-Version ' }).proxy.configVersionHeader,
    ).toBe('X-Gantry-Config-Version');
    expect(() => loadSettings({ GANTRY_PROXY_CONFIG_VERSION_HEADER: 'Bad Header' })).toThrow(
      /GANTRY_PROXY_CONFIG_VERSION_HEADER: "Bad Header" is not a header name/,
    );
  });

  it('reads the admin knobs', () => {
    const settings = loadSettings({ GANTRY_ADMIN_TOKENS: ' ci:admin:s3cret ', GANTRY_ADMIN_MAX_BODY_BYTES: '1024' });
    expect(settings.admin).toEqual({
      tokens: 'ci:admin:s3cret',
      tokensFile: undefined,
      maxBodyBytes: 1024,
      writeTimeoutMs: 5000,
    });
    expect(() => loadSettings({ GANTRY_ADMIN_WRITE_TIMEOUT_MS: '0' })).toThrow(/GANTRY_ADMIN_WRITE_TIMEOUT_MS/);
  });

  it('reads snapshot retention: newest 3 and a checkpoint per 5000 versions unless set', () => {
    expect(loadSettings({}).snapshots).toEqual({ keep: 3, checkpointEvery: 5000 });
    expect(loadSettings({ GANTRY_SNAPSHOT_KEEP: '5', GANTRY_SNAPSHOT_CHECKPOINT_EVERY: '0' }).snapshots).toEqual({
      keep: 5,
      checkpointEvery: 0,
    });
    expect(() => loadSettings({ GANTRY_SNAPSHOT_KEEP: '0' })).toThrow(/GANTRY_SNAPSHOT_KEEP/);
    expect(() => loadSettings({ GANTRY_SNAPSHOT_CHECKPOINT_EVERY: '-1' })).toThrow(
      /GANTRY_SNAPSHOT_CHECKPOINT_EVERY: expected an integer >= 0/,
    );
    expect(() => loadSettings({ GANTRY_SNAPSHOT_CHECKPOINT_EVERY: '1.5' })).toThrow(/GANTRY_SNAPSHOT_CHECKPOINT_EVERY/);
  });

  it('names the variable in every error', () => {
    expect(() => loadSettings({ GANTRY_LOG: 'zookeeper' })).toThrow(/GANTRY_LOG: expected one of kafka, embedded/);
    expect(() => loadSettings({ GANTRY_ADMIN_LISTEN: 'x:99999' })).toThrow(SettingsError);
    expect(() => loadSettings({ GANTRY_KAFKA_BROKERS: ' , ' })).toThrow(/GANTRY_KAFKA_BROKERS: must name/);
  });
});

describe('parseListenAddress', () => {
  it('accepts host:port, [v6]:port and a bare port', () => {
    expect(parseListenAddress('X', '0.0.0.0:80', 'h')).toEqual({ host: '0.0.0.0', port: 80 });
    expect(parseListenAddress('X', '[::1]:8001', 'h')).toEqual({ host: '::1', port: 8001 });
    expect(parseListenAddress('X', '9000', '127.0.0.1')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(() => parseListenAddress('X', 'nonsense', 'h')).toThrow(/X: expected host:port/);
  });
});

describe('parseReplication', () => {
  it('parses several data centres and rejects junk', () => {
    expect(parseReplication('dc1:3,dc2:2')).toEqual({ dc1: 3, dc2: 2 });
    expect(() => parseReplication('dc1:0')).toThrow(SettingsError);
    expect(() => parseReplication("dc1';DROP:1")).toThrow(SettingsError);
  });
});

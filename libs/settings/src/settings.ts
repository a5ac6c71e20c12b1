import { hostname } from 'node:os';
import { ListenAddress, SettingsError, parseList, parseListenAddress } from './listen-address';

export type LogBackend = 'kafka' | 'embedded';
export type StoreBackend = 'cassandra' | 'embedded';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  readonly topic: string;
}

export interface CassandraSettings {
  readonly contactPoints: readonly string[];
  readonly localDataCenter: string;
  readonly keyspace: string;
  /** Replication per data centre for the keyspaces Gantry creates (NetworkTopologyStrategy). */
  readonly replication: Readonly<Record<string, number>>;
}

/** Admin API knobs. Tokens are kept raw here; the admin parses them (and the file) when it starts. */
export interface AdminSettings {
  /** `GANTRY_ADMIN_TOKENS`: comma list of `name:role:token` (role `read` or `admin`). */
  readonly tokens: string | undefined;
  /** `GANTRY_ADMIN_TOKENS_FILE`: YAML or JSON list of `{ name, role, token }`. */
  readonly tokensFile: string | undefined;
  /** `GANTRY_ADMIN_MAX_BODY_BYTES`: largest request body accepted (413 above it). */
  readonly maxBodyBytes: number;
  /** `GANTRY_ADMIN_WRITE_TIMEOUT_MS`: bound on append plus fold of one write (503 past it). */
  readonly writeTimeoutMs: number;
}

/** Data-plane knobs (`apps/proxy`). */
export interface ProxySettings {
  /** `GANTRY_PROXY_TLS_LISTEN`: the TLS listener (Kong's 8443); `off` disables it. */
  readonly tlsListen: ListenAddress | null;
  /** `GANTRY_PROXY_TLS_CERT` / `GANTRY_PROXY_TLS_KEY`: PEM files of the default certificate; when unset a
   * self-signed one is generated once and kept in the data directory, as Kong does. */
  readonly tlsCertFile: string | undefined;
  readonly tlsKeyFile: string | undefined;
  /** `GANTRY_PROXY_WORKERS`: worker processes (`node:cluster`); 1 runs the proxy in the main process. */
  readonly workers: number;
  /** `GANTRY_TRUSTED_IPS`: CIDRs whose X-Forwarded-* headers are trusted (Kong's `trusted_ips`); none by default. */
  readonly trustedIps: readonly string[];
  /** `GANTRY_PROXY_REPORT_INTERVAL_MS`: how often a replica reports its status to the data-plane registry. */
  readonly reportIntervalMs: number;
  /**
   * `GANTRY_PROXY_CONFIG_VERSION_HEADER`: a response header (e.g. `X-Gantry-Config-Version`) carrying the config
   * version that served the request; null (the default) sends none.
   */
  readonly configVersionHeader: string | null;
}

/** Audit hash-chain keys, kept raw (PEM text or a file path); `@gantry/audit` reads and checks them. */
export interface AuditSettings {
  /** `GANTRY_AUDIT_SIGNING_KEY`: Ed25519 private key that signs every link of the hash chain. */
  readonly signingKey: string | undefined;
  /** `GANTRY_AUDIT_VERIFY_KEY`: Ed25519 public key that checks signatures (derived from the signing key if unset). */
  readonly verifyKey: string | undefined;
}

/**
 * Which snapshots the store keeps (`@gantry/store` snapshot retention): the newest `keep`, plus one checkpoint per
 * `checkpointEvery` versions for time travel, which folds at most about that many records on top of one.
 */
export interface SnapshotSettings {
  /** `GANTRY_SNAPSHOT_KEEP`, default 3. */
  readonly keep: number;
  /** `GANTRY_SNAPSHOT_CHECKPOINT_EVERY`, default 5000; 0 keeps no checkpoints. */
  readonly checkpointEvery: number;
}

/** Everything a Gantry process reads from its environment, validated once at start-up. */
export interface Settings {
  readonly log: LogBackend;
  readonly store: StoreBackend;
  readonly nodeId: string;
  readonly region: string;
  readonly dataDir: string;
  readonly adminListen: ListenAddress;
  readonly proxyListen: ListenAddress;
  readonly statusListen: ListenAddress;
  readonly discoveryStatusListen: ListenAddress;
  readonly admin: AdminSettings;
  readonly proxy: ProxySettings;
  readonly kafka: KafkaSettings;
  readonly cassandra: CassandraSettings;
  readonly audit: AuditSettings;
  readonly snapshots: SnapshotSettings;
  /** Fault injection for crash tests only. */
  readonly faults: { readonly crashAfterAppend: boolean };
}

export interface SettingsDefaults {
  readonly log: LogBackend;
  readonly store: StoreBackend;
}

/** Cluster mode: each app on its own, against Kafka and Cassandra. */
export const CLUSTER_DEFAULTS: SettingsDefaults = { log: 'kafka', store: 'cassandra' };
/** Standalone mode (`npm start`): one process, embedded log and store. */
export const STANDALONE_DEFAULTS: SettingsDefaults = { log: 'embedded', store: 'embedded' };

type Env = Readonly<Record<string, string | undefined>>;

export function loadSettings(env: Env = process.env, defaults: SettingsDefaults = CLUSTER_DEFAULTS): Settings {
  const read = (name: string, fallback: string): string => {
    const value = env[name];
    return value === undefined || value.trim() === '' ? fallback : value.trim();
  };
  const region = read('GANTRY_REGION', 'local');
  const localDataCenter = read('GANTRY_CASSANDRA_LOCAL_DC', 'dc1');
  return {
    log: oneOf('GANTRY_LOG', read('GANTRY_LOG', defaults.log), ['kafka', 'embedded'] as const),
    store: oneOf('GANTRY_STORE', read('GANTRY_STORE', defaults.store), ['cassandra', 'embedded'] as const),
    nodeId: read('GANTRY_NODE_ID', `${hostname()}-${process.pid}`),
    region,
    dataDir: read('GANTRY_DATA_DIR', './data'),
    // Kong's admin listens on loopback unless told otherwise; the proxy is public.
    adminListen: parseListenAddress('GANTRY_ADMIN_LISTEN', read('GANTRY_ADMIN_LISTEN', '127.0.0.1:8001'), '127.0.0.1'),
    proxyListen: parseListenAddress('GANTRY_PROXY_LISTEN', read('GANTRY_PROXY_LISTEN', '0.0.0.0:8000'), '0.0.0.0'),
    statusListen: parseListenAddress('GANTRY_STATUS_LISTEN', read('GANTRY_STATUS_LISTEN', '0.0.0.0:8100'), '0.0.0.0'),
    discoveryStatusListen: parseListenAddress(
      'GANTRY_DISCOVERY_STATUS_LISTEN',
      read('GANTRY_DISCOVERY_STATUS_LISTEN', '127.0.0.1:8200'),
      '127.0.0.1',
    ),
    admin: {
      tokens: optional(env.GANTRY_ADMIN_TOKENS),
      tokensFile: optional(env.GANTRY_ADMIN_TOKENS_FILE),
      // Kong's admin accepts 10 MiB bodies (declarative files can be large).
      maxBodyBytes: positiveInt('GANTRY_ADMIN_MAX_BODY_BYTES', read('GANTRY_ADMIN_MAX_BODY_BYTES', '10485760')),
      writeTimeoutMs: positiveInt('GANTRY_ADMIN_WRITE_TIMEOUT_MS', read('GANTRY_ADMIN_WRITE_TIMEOUT_MS', '5000')),
    },
    proxy: {
      tlsListen:
        read('GANTRY_PROXY_TLS_LISTEN', '0.0.0.0:8443') === 'off'
          ? null
          : parseListenAddress('GANTRY_PROXY_TLS_LISTEN', read('GANTRY_PROXY_TLS_LISTEN', '0.0.0.0:8443'), '0.0.0.0'),
      tlsCertFile: optional(env.GANTRY_PROXY_TLS_CERT),
      tlsKeyFile: optional(env.GANTRY_PROXY_TLS_KEY),
      workers: positiveInt('GANTRY_PROXY_WORKERS', read('GANTRY_PROXY_WORKERS', '1')),
      trustedIps: parseList(read('GANTRY_TRUSTED_IPS', '')),
      reportIntervalMs: positiveInt('GANTRY_PROXY_REPORT_INTERVAL_MS', read('GANTRY_PROXY_REPORT_INTERVAL_MS', '2000')),
      configVersionHeader: headerName(
        'GANTRY_PROXY_CONFIG_VERSION_HEADER',
        optional(env.GANTRY_PROXY_CONFIG_VERSION_HEADER),
      ),
    },
    kafka: {
      brokers: nonEmpty('GANTRY_KAFKA_BROKERS', parseList(read('GANTRY_KAFKA_BROKERS', '127.0.0.1:9092'))),
      clientId: read('GANTRY_KAFKA_CLIENT_ID', 'gantry'),
      topic: read('GANTRY_KAFKA_TOPIC', 'gantry.config'),
    },
    cassandra: {
      contactPoints: nonEmpty(
        'GANTRY_CASSANDRA_CONTACT_POINTS',
        parseList(read('GANTRY_CASSANDRA_CONTACT_POINTS', '127.0.0.1:9042')),
      ),
      localDataCenter,
      keyspace: read('GANTRY_CASSANDRA_KEYSPACE', 'gantry'),
      replication: parseReplication(read('GANTRY_CASSANDRA_REPLICATION', `${localDataCenter}:1`)),
    },
    audit: { signingKey: optional(env.GANTRY_AUDIT_SIGNING_KEY), verifyKey: optional(env.GANTRY_AUDIT_VERIFY_KEY) },
    snapshots: {
      keep: positiveInt('GANTRY_SNAPSHOT_KEEP', read('GANTRY_SNAPSHOT_KEEP', '3')),
      checkpointEvery: nonNegativeInt(
        'GANTRY_SNAPSHOT_CHECKPOINT_EVERY',
        read('GANTRY_SNAPSHOT_CHECKPOINT_EVERY', '5000'),
      ),
    },
    faults: { crashAfterAppend: read('GANTRY_FAULT_CRASH_AFTER_APPEND', '0') === '1' },
  };
}

function oneOf<T extends string>(variable: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SettingsError(variable, `expected one of ${allowed.join(', ')}, got "${value}"`);
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/** An HTTP header name (RFC 9110 token), or null when unset. */
function headerName(variable: string, raw: string | undefined): string | null {
  if (raw === undefined) return null;
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(raw)) throw new SettingsError(variable, `"${raw}" is not a header name`);
  return raw;
}

function positiveInt(variable: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new SettingsError(variable, `expected a positive integer, got "${raw}"`);
  return value;
}

function nonNegativeInt(variable: string, raw: string): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || raw.trim() === '') {
    throw new SettingsError(variable, `expected an integer >= 0, got "${raw}"`);
  }
  return value;
}

function nonEmpty(variable: string, list: string[]): string[] {
  if (list.length === 0) throw new SettingsError(variable, 'must name at least one host:port');
  return list;
}

/** `dc1:3,dc2:3` → `{ dc1: 3, dc2: 3 }`. */
export function parseReplication(raw: string): Record<string, number> {
  const replication: Record<string, number> = {};
  for (const entry of parseList(raw)) {
    const [dc, factor] = entry.split(':');
    const count = Number(factor);
    if (!dc || !/^[A-Za-z0-9_-]+$/.test(dc) || !Number.isInteger(count) || count < 1) {
      throw new SettingsError('GANTRY_CASSANDRA_REPLICATION', `expected dc:factor[,dc:factor], got "${raw}"`);
    }
    replication[dc] = count;
  }
  return replication;
}

import type { Logger } from '@gantry/logging';
import type { UpstreamDefaults } from '../desired';
import type { Clock } from '../timers';
import type { BackoffOptions, Random } from './pacing';

/** TLS to the Consul HTTP API (an `https://` address). Files are read once, when the source is built. */
export interface ConsulTlsOptions {
  /** PEM file of the CA(s) that signed Consul's certificate (`CONSUL_CACERT`); default: Node's trusted CAs. */
  readonly caFile?: string;
  /** PEM client certificate, when Consul verifies clients (`verify_incoming`; `CONSUL_CLIENT_CERT`). */
  readonly certFile?: string;
  /** PEM key of the client certificate (`CONSUL_CLIENT_KEY`). */
  readonly keyFile?: string;
  /** Name to verify Consul's certificate against instead of the address's host (`CONSUL_TLS_SERVER_NAME`). */
  readonly serverName?: string;
  /** Skip verifying Consul's certificate (`CONSUL_HTTP_SSL_VERIFY=false`); for tests only. */
  readonly insecureSkipVerify?: boolean;
}

/** How Consul service instances map to Gantry upstreams. An instance may map to several upstreams. */
export interface ConsulMappingOptions {
  /**
   * A tag `<tagPrefix>=<upstream>` maps the instance to `<upstream>` (several such tags, several upstreams).
   * Default `gantry.upstream`; null turns tag mapping off.
   */
  readonly tagPrefix?: string | null;
  /**
   * A service meta entry `<metaKey>: <upstream>[,<upstream>…]` maps the instance. Default `gantry-upstream`
   * (Consul meta keys allow only letters, digits, `_` and `-`); null turns meta mapping off.
   */
  readonly metaKey?: string | null;
  /** Map every instance that neither a tag nor meta maps to an upstream named like its service; default false. */
  readonly byServiceName?: boolean;
  /** Services never mapped, whatever their tags; default `['consul']` (the servers themselves). */
  readonly excludeServices?: readonly string[];
  /**
   * A tag `<weightTagPrefix>=<n>` replaces the instance's `Weights.Passing` (a warning instance gets
   * n × Warning / Passing). Default `gantry.weight`; null ignores such tags.
   */
  readonly weightTagPrefix?: string | null;
}

export type ConsulConsistency = 'default' | 'stale' | 'consistent';

export interface ConsulSourceOptions {
  /** The datacenter watched (`dc` of every query). One source per datacenter. */
  readonly datacenter: string;
  /** Source name: the id is `consul:<name>`; default the datacenter. Two clusters with the same dc need two names. */
  readonly name?: string;
  /** Consul HTTP API: `host:port` or an `http(s)://` URL (`CONSUL_HTTP_ADDR`); default `http://127.0.0.1:8500`. */
  readonly address?: string;
  /** ACL token sent as `X-Consul-Token` (`CONSUL_HTTP_TOKEN`). */
  readonly token?: string;
  /** File holding the ACL token (`CONSUL_HTTP_TOKEN_FILE`); `token` wins when both are set. */
  readonly tokenFile?: string;
  readonly tls?: ConsulTlsOptions;
  readonly mapping?: ConsulMappingOptions;
  /** Keep instances whose worst check is `warning` (with `Weights.Warning`); default false: passing only. */
  readonly includeWarning?: boolean;
  /**
   * Fields of an upstream the reconciler creates when a mapped upstream does not exist (Admin API
   * `POST /upstreams` body without `name`); default `{}` (Kong's defaults). null: never create upstreams.
   */
  readonly upstreamDefaults?: UpstreamDefaults | null;
  /** Read consistency of every query; default `default` (leader reads). `stale` spreads reads over all servers. */
  readonly consistency?: ConsulConsistency;
  /** `wait` of the blocking queries, before jitter; default 60 s, at most Consul's 10 min. */
  readonly waitMs?: number;
  /** Minimum time between two queries of one endpoint when its index did not change; default 500 ms. */
  readonly minQueryIntervalMs?: number;
  /** How long an answer may take beyond the wait (Consul adds up to wait/16) before it is a timeout; default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Non-blocking reads at once during a full listing (one per mapped service); default 32. */
  readonly listConcurrency?: number;
  /** Delay before the resync that follows a watch error; also paces a loop fed invalid indexes. */
  readonly retry?: BackoffOptions;
  /** For reproducible jitter in tests. */
  readonly random?: Random;
  readonly clock?: Clock;
  readonly logger?: Logger;
}

/** The defaults of {@link ConsulSourceOptions}. */
export const CONSUL_DEFAULTS = {
  address: 'http://127.0.0.1:8500',
  tagPrefix: 'gantry.upstream',
  metaKey: 'gantry-upstream',
  weightTagPrefix: 'gantry.weight',
  waitMs: 60_000,
  minQueryIntervalMs: 500,
  requestTimeoutMs: 10_000,
  listConcurrency: 32,
} as const;

/** Consul caps a blocking query's `wait` at 10 minutes. */
export const CONSUL_MAX_WAIT_MS = 600_000;

import type { Clock } from './clock';
import type { DnsResolver } from './dns/dns-resolver';

/** One resolved address of a target. The same object is handed out on every pick, so it can key maps. */
export interface Peer {
  /** Stable id of this address: `${targetId}|${ip}:${port}`. */
  readonly key: string;
  readonly targetId: string;
  /** The target as configured, `host:port`. */
  readonly target: string;
  /** The target's hostname or IP as configured (for the Host header and SNI). */
  readonly host: string;
  /** The IP to connect to. */
  readonly address: string;
  readonly port: number;
}

/** What `hash_on` may read; the proxy fills it per request. */
export interface BalancerContext {
  clientIp: string;
  /** Request headers with lower-case names, as Node gives them (including `cookie`). */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Set by authentication plugins; null when the request has no consumer. */
  consumerId: string | null;
  /** Regex captures of the matched route: `unnamed[0]` is the first group (the whole match is not included). */
  uriCaptures: { unnamed: readonly string[]; named: Readonly<Record<string, string>> } | null;
}

export type PickFailure = 'no-targets' | 'no-healthy' | 'dns-error';

export type PickResult =
  /** `setCookie` is a `Set-Cookie` value when `hash_on = cookie` had to create the cookie (as Kong does). */
  | { readonly ok: true; readonly peer: Peer; readonly setCookie: string | null }
  | { readonly ok: false; readonly reason: PickFailure };

/** How a proxied attempt ended, reported through `finished`. */
export type Outcome =
  { kind: 'response'; status: number; latencyMs: number } | { kind: 'timeout' } | { kind: 'tcp-error' };

/** Kong's health values of a target in `GET /upstreams/{u}/health`. */
export type TargetHealthValue = 'HEALTHY' | 'UNHEALTHY' | 'DNS_ERROR' | 'HEALTHCHECKS_OFF';
export type AddressHealthValue = 'HEALTHY' | 'UNHEALTHY' | 'HEALTHCHECKS_OFF';

/** Where a target's addresses come from. */
export type DnsStatus = 'ip' | 'pending' | 'ok' | 'stale' | 'error';

export interface AddressHealth {
  readonly ip: string;
  readonly port: number;
  readonly weight: number;
  readonly health: AddressHealthValue;
  /** Gantry: the passive circuit breaker is open, half-open (a trial may go through) or on trial. */
  readonly circuit: 'closed' | 'open' | 'half-open' | 'trial';
}

export interface TargetHealth {
  readonly id: string;
  readonly target: string;
  readonly weight: number;
  readonly health: TargetHealthValue;
  readonly dns: DnsStatus;
  readonly addresses: readonly AddressHealth[];
}

export interface UpstreamHealth {
  readonly id: string;
  readonly name: string;
  /** Whether the available weight reaches `healthchecks.threshold` (Kong's balancer health). */
  readonly healthy: boolean;
  /** False when neither active probes nor passive counters are configured (Kong: HEALTHCHECKS_OFF). */
  readonly healthchecks: boolean;
  readonly weight: { readonly total: number; readonly available: number; readonly unavailable: number };
  /** Active targets only: the newest entry of each target string, with a weight above 0. */
  readonly targets: readonly TargetHealth[];
}

/** Why an address changed health. */
export type HealthChangeReason = 'active' | 'passive' | 'manual' | 'half-open' | 'config';

export type HealthChangeEvent =
  | {
      readonly kind: 'address';
      readonly upstreamId: string;
      readonly upstreamName: string;
      readonly peer: Peer;
      readonly healthy: boolean;
      readonly reason: HealthChangeReason;
    }
  | {
      readonly kind: 'upstream';
      readonly upstreamId: string;
      readonly upstreamName: string;
      readonly healthy: boolean;
    };

export type HealthChangeListener = (event: HealthChangeEvent) => void;

/** The subset of a pino logger the balancer uses. */
export interface BalancerLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface BalancerDeps {
  resolver: DnsResolver;
  logger?: BalancerLogger;
  clock?: Clock;
}

import { ForwardingError } from './errors';
import { KongErrors } from './kong-errors';
import { TrustedProxies } from './trusted-proxies';

/** Process-wide settings of the forwarding engine; the same object usually serves every service. */
export interface ForwarderOptions {
  /** Product token for `Via` and `Server`, e.g. `gantry/0.1.0` (Kong: `kong/3.x`). */
  readonly serverToken: string;
  /** The error writer shared with the gateway; built from `serverToken` when absent. */
  readonly errors?: KongErrors;
  /** Kong's `trusted_ips`; nobody by default. */
  readonly trustedProxies?: TrustedProxies;
  /**
   * Whether upstream certificates are verified when a service's `tls_verify` is null. Kong leaves nginx's
   * `proxy_ssl_verify off` in place, so the default is false.
   */
  readonly tlsVerifyDefault?: boolean;
  /** Request body bytes kept in memory so a failed attempt can be replayed; past it, no retry. Default 1 MiB. */
  readonly retryBodyLimitBytes?: number;
  /** Idle keep-alive connections kept per upstream address (Kong's `upstream_keepalive_pool_size`). Default 512. */
  readonly maxIdleSocketsPerPeer?: number;
  /** How long an idle upstream connection is kept (Kong's `upstream_keepalive_idle_timeout`). Default 60 s. */
  readonly idleSocketTimeoutMs?: number;
}

export interface ResolvedForwarderOptions {
  readonly serverToken: string;
  readonly errors: KongErrors;
  readonly trustedProxies: TrustedProxies;
  readonly tlsVerifyDefault: boolean;
  readonly retryBodyLimitBytes: number;
  readonly maxIdleSocketsPerPeer: number;
  readonly idleSocketTimeoutMs: number;
}

const TOKEN = /^[\x21-\x7e]+$/;

export function resolveForwarderOptions(options: ForwarderOptions): ResolvedForwarderOptions {
  if (!TOKEN.test(options.serverToken)) {
    throw new ForwardingError(
      'GANTRY_FORWARD_INVALID_OPTIONS',
      `serverToken must be a printable token, got '${options.serverToken}'`,
    );
  }
  return Object.freeze({
    serverToken: options.serverToken,
    errors: options.errors ?? new KongErrors(options.serverToken),
    trustedProxies: options.trustedProxies ?? TrustedProxies.none(),
    tlsVerifyDefault: options.tlsVerifyDefault ?? false,
    retryBodyLimitBytes: count('retryBodyLimitBytes', options.retryBodyLimitBytes, 1024 * 1024, 0),
    maxIdleSocketsPerPeer: count('maxIdleSocketsPerPeer', options.maxIdleSocketsPerPeer, 512, 0),
    idleSocketTimeoutMs: count('idleSocketTimeoutMs', options.idleSocketTimeoutMs, 60_000, 1),
  });
}

function count(name: string, value: number | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ForwardingError('GANTRY_FORWARD_INVALID_OPTIONS', `${name} must be an integer >= ${min}, got ${value}`);
  }
  return value;
}

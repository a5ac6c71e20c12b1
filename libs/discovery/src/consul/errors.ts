import { DiscoveryError } from '../errors';

/** Consul watcher options that cannot run (bad address, unreadable CA file, invalid upstream defaults). */
export class InvalidConsulOptionsError extends DiscoveryError {
  readonly code = 'GANTRY_DISCOVERY_INVALID_OPTIONS';
  override readonly name = 'InvalidConsulOptionsError';
}

export type ConsulWatchErrorCode =
  /** No answer: connection refused, TLS failure, timeout. */
  | 'GANTRY_CONSUL_UNREACHABLE'
  /** Consul answered with a non-2xx status (403 ACL denied, 500 no path to datacenter, 429 rate limited). */
  | 'GANTRY_CONSUL_HTTP_STATUS'
  /** A 2xx answer whose body is not what the endpoint documents. */
  | 'GANTRY_CONSUL_BAD_RESPONSE'
  /** X-Consul-Index went backwards: the blocking loop restarts from 0 with a full resync. */
  | 'GANTRY_CONSUL_INDEX_BACKWARDS'
  /** X-Consul-Index missing, not a number, or 0: the loop backs off instead of spinning. */
  | 'GANTRY_CONSUL_INVALID_INDEX';

/**
 * Why a Consul query failed. The watcher never throws it to its caller: it ends the watch session (all but
 * `GANTRY_CONSUL_INVALID_INDEX`, which only slows the loop down), shows in `status().lastError`, and is followed by
 * a backoff and a full resync.
 */
export class ConsulWatchError extends Error {
  override readonly name = 'ConsulWatchError';

  constructor(
    readonly code: ConsulWatchErrorCode,
    message: string,
    /** HTTP status, for `GANTRY_CONSUL_HTTP_STATUS`. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** `start()` on a source that is already running. */
export class ConsulSourceStateError extends Error {
  readonly code = 'GANTRY_CONSUL_ALREADY_STARTED';
  override readonly name = 'ConsulSourceStateError';
}

export type ForwardingErrorCode =
  | 'GANTRY_FORWARD_UNSUPPORTED_PROTOCOL'
  | 'GANTRY_FORWARD_INVALID_SERVICE'
  | 'GANTRY_FORWARD_INVALID_OPTIONS'
  | 'GANTRY_FORWARD_INVALID_TRUSTED_IP';

/** Configuration errors of the forwarding engine, thrown at construction; `code` is what callers branch on. */
export class ForwardingError extends Error {
  override readonly name = 'ForwardingError';
  constructor(
    readonly code: ForwardingErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export type UpstreamTimeoutPhase = 'connect' | 'write' | 'read';

/** Destroys an upstream request whose connect, write or read timeout elapsed (Kong answers 504). */
export class UpstreamTimeoutError extends Error {
  override readonly name = 'UpstreamTimeoutError';
  readonly code: string;
  constructor(readonly phase: UpstreamTimeoutPhase) {
    super(`upstream ${phase} timeout`);
    this.code = `GANTRY_UPSTREAM_${phase.toUpperCase()}_TIMEOUT`;
  }
}

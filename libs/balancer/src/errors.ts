export type BalancerErrorCode =
  | 'GANTRY_BALANCER_INVALID_UPSTREAM'
  | 'GANTRY_BALANCER_INVALID_TARGET'
  | 'GANTRY_BALANCER_WRONG_UPSTREAM'
  | 'GANTRY_BALANCER_UNKNOWN_TARGET'
  | 'GANTRY_BALANCER_HEALTHCHECKS_OFF'
  | 'GANTRY_BALANCER_INVALID_OPTIONS'
  | 'GANTRY_BALANCER_CLOSED';

/** Every error the balancer throws; `code` is stable and what callers branch on. */
export class BalancerError extends Error {
  override readonly name = 'BalancerError';
  constructor(
    readonly code: BalancerErrorCode,
    message: string,
  ) {
    super(message);
  }
}

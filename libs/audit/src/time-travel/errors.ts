/** Stable codes of the time-travel and rollback errors; callers branch on these. */
export type TimeTravelErrorCode = 'GANTRY_AUDIT_BAD_POINT' | 'GANTRY_AUDIT_ROLLBACK_UNPLANNABLE';

/**
 * A version or time parameter that cannot be resolved (not a version or RFC 3339 time, beyond the newest version,
 * in the future). `param` names the parameter (`at`, `from`, `to`), so the Admin API can answer 400 naming it.
 */
export class BadPointError extends Error {
  readonly code = 'GANTRY_AUDIT_BAD_POINT';
  override readonly name = 'BadPointError';
  constructor(
    readonly param: string,
    readonly reason: string,
  ) {
    super(`${param}: ${reason}`);
  }
}

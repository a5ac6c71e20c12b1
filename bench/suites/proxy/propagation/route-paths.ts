/**
 * The path of the i-th route created by a propagation run. Kong matches paths by prefix, so no path may be a
 * prefix of another (else `/r/1` would already route `/r/10` before route 10 exists): the closing slash
 * guarantees that.
 */
export function propagationRoutePath(runId: string, index: number): string {
  if (!/^[a-z0-9-]+$/.test(runId)) throw new RangeError(`runId must be [a-z0-9-]+, got "${runId}"`);
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`index must be a whole number ≥ 0, got ${index}`);
  return `/propagation/${runId}/${index}/`;
}

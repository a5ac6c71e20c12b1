import type { VerifiableClaim } from './schema';

/** Kong's complaints about a token's registered claims, by claim name: the 401 body. */
export type ClaimErrors = Record<string, string>;

/** Checks `exp` / `nbf` as Kong does: each must be a number, `exp` in the future, `nbf` not. */
export function claimErrors(
  claims: Readonly<Record<string, unknown>>,
  toVerify: readonly VerifiableClaim[],
  nowSeconds: number,
): ClaimErrors | null {
  let errors: ClaimErrors | null = null;
  for (const name of toVerify) {
    const value = claims[name];
    let error: string | undefined;
    if (typeof value !== 'number') error = 'must be a number';
    else if (name === 'exp' && value <= nowSeconds) error = 'token expired';
    else if (name === 'nbf' && value > nowSeconds) error = 'token not valid yet';
    if (error !== undefined) (errors ??= {})[name] = error;
  }
  return errors;
}

/** Refuses tokens without `exp` or living longer than `maximum` seconds from now. */
export function maximumExpirationError(
  claims: Readonly<Record<string, unknown>>,
  maximum: number,
  nowSeconds: number,
): ClaimErrors | null {
  const exp = claims.exp;
  if (typeof exp !== 'number' || exp - nowSeconds > maximum) return { exp: 'exceeds maximum allowed expiration' };
  return null;
}

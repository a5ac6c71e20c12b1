import { createHash, timingSafeEqual } from 'node:crypto';
import type { AdminToken, Role } from './tokens';

/** Who is calling. Without configured tokens everyone is `anonymous` with the admin role. */
export interface Principal {
  readonly name: string;
  readonly role: Role;
}

export const ANONYMOUS: Principal = { name: 'anonymous', role: 'admin' };

/** Outcome of authenticating a request. */
export type AuthResult =
  { readonly ok: true; readonly principal: Principal } | { readonly ok: false; readonly reason: 'missing' | 'invalid' };

type Headers = Readonly<Record<string, string | string[] | undefined>>;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The token a request presents: `Kong-Admin-Token`, else `Authorization: Bearer`. */
export function presentedToken(headers: Headers): string | undefined {
  const kong = first(headers['kong-admin-token'])?.trim();
  if (kong) return kong;
  const auth = first(headers.authorization)?.trim();
  const match = auth === undefined ? null : /^bearer\s+(\S+)$/i.exec(auth);
  return match === null ? undefined : match[1];
}

/**
 * Checks admin tokens. Tokens are compared as sha256 digests with `timingSafeEqual`, and every configured
 * token is compared on each request, so timing reveals neither a token's prefix nor which token matched.
 */
export class Authenticator {
  private readonly entries: { principal: Principal; digest: Buffer }[];

  constructor(tokens: readonly AdminToken[]) {
    this.entries = tokens.map((t) => ({ principal: { name: t.name, role: t.role }, digest: digest(t.token) }));
  }

  /** False when no token is configured: every request is then anonymous (and the admin binds loopback only). */
  get enabled(): boolean {
    return this.entries.length > 0;
  }

  authenticate(headers: Headers): AuthResult {
    if (!this.enabled) return { ok: true, principal: ANONYMOUS };
    const token = presentedToken(headers);
    if (token === undefined) return { ok: false, reason: 'missing' };
    const wanted = digest(token);
    let found: Principal | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, wanted) && found === undefined) found = entry.principal;
    }
    return found === undefined ? { ok: false, reason: 'invalid' } : { ok: true, principal: found };
  }
}

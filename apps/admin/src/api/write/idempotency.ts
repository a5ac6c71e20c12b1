import { createHash } from 'node:crypto';
import type { RequestContext } from '../types';

/** An `Idempotency-Key` scoped to its caller, plus the digest of the request that carries it. */
export interface IdempotencyToken {
  readonly key: string;
  readonly fingerprint: string;
}

const KEY_RE = /^[\x21-\x7E]{1,255}$/;

/** Thrown (as a 400 answer) for a key that is empty, too long or not visible ASCII. */
export const BAD_IDEMPOTENCY_KEY = 'Idempotency-Key must be 1 to 255 visible ASCII characters';

/**
 * Reads `Idempotency-Key`. Keys are scoped by actor, so two callers picking the same key do not see each
 * other's results. The fingerprint (method, path, query, body) travels in the event, so every replica can
 * tell a retry from another request reusing the key.
 */
export function idempotencyOf(ctx: RequestContext): IdempotencyToken | undefined | 'invalid' {
  const raw = ctx.request.headers['idempotency-key'];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined) return undefined;
  const key = value.trim();
  if (!KEY_RE.test(key)) return 'invalid';
  const fingerprint = createHash('sha256')
    .update(ctx.method)
    .update('\n')
    .update(ctx.request.url)
    .update('\n')
    .update(ctx.request.body)
    .digest('hex');
  return { key: `${ctx.principal.name}:${key}`, fingerprint };
}

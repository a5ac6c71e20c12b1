import { randomUUID } from 'node:crypto';
import type { HashSource, UpstreamSettings } from '../settings/upstream-settings';
import type { BalancerContext } from '../types';
import { findCookie, findQueryArg, headerValue } from './request-values';

type Extract = (ctx: BalancerContext) => string | null;

function capture(ctx: BalancerContext, name: string): string | null {
  const captures = ctx.uriCaptures;
  if (captures === null) return null;
  const named = captures.named[name];
  if (named !== undefined) return named;
  // Kong only finds named groups; a number also selects a positional group here. `unnamed` is laid out as the
  // router's (and Kong's `uri_captures`): 0 is the whole match, 1 the first group.
  const n = /^[1-9]\d*$/.test(name) ? Number(name) : 0;
  return n > 0 ? (captures.unnamed[n] ?? null) : null;
}

function extractor(source: HashSource): Extract {
  switch (source.on) {
    case 'consumer':
      return (ctx) => ctx.consumerId;
    case 'ip':
      return (ctx) => (ctx.clientIp === '' ? null : ctx.clientIp);
    case 'header': {
      const name = source.header ?? '';
      return (ctx) => headerValue(ctx.headers[name]);
    }
    case 'path':
      return (ctx) => ctx.path;
    case 'query_arg': {
      const name = source.queryArg ?? '';
      return (ctx) => findQueryArg(ctx.query, name);
    }
    case 'uri_capture': {
      const name = source.uriCapture ?? '';
      return (ctx) => capture(ctx, name);
    }
    case 'none':
    case 'cookie':
      // HashKey reads cookies itself: a missing one is created rather than skipped.
      return () => null;
  }
}

/**
 * Works out the value a request hashes on: `hash_on`, else `hash_fallback`, else null (then the balancer falls
 * back to weighted round-robin, as Kong documents for `hash_on = none`). With `hash_on = cookie` a missing
 * cookie is created, and `createdCookie` holds the `Set-Cookie` value for the response.
 */
export class HashKey {
  /** Set by {@link compute} when it created a cookie; null otherwise. */
  createdCookie: string | null = null;
  private readonly primary: Extract;
  private readonly fallback: Extract;
  // A retry of the same request must land on the same cookie, so created values are kept per context object.
  private readonly created = new WeakMap<BalancerContext, string>();

  constructor(settings: UpstreamSettings) {
    const cookie = settings.cookie;
    const pick = (source: HashSource): Extract =>
      source.on === 'cookie' && cookie !== null
        ? (ctx) => this.cookieValue(ctx, cookie.name, cookie.path)
        : extractor(source);
    this.primary = pick(settings.hashOn);
    this.fallback = pick(settings.hashFallback);
  }

  compute(ctx: BalancerContext): string | null {
    this.createdCookie = null;
    return this.primary(ctx) ?? this.fallback(ctx);
  }

  private cookieValue(ctx: BalancerContext, name: string, path: string): string {
    const present = findCookie(ctx.headers.cookie, name);
    if (present !== null) return present;
    let value = this.created.get(ctx);
    if (value === undefined) {
      value = randomUUID();
      this.created.set(ctx, value);
    }
    this.createdCookie = `${name}=${value}; Path=${path}; SameSite=Lax; HttpOnly`;
    return value;
  }
}

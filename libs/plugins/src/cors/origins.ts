import { LRUCache } from 'lru-cache';

/** An origin reduced as Kong compares them: `scheme://host[:port]` without default ports, and its host. */
export interface NormalizedOrigin {
  readonly domain: string;
  readonly host: string;
}

/** How one configured origin is matched against the request's. */
type OriginMatcher =
  { readonly regex: RegExp; readonly byHost: boolean } | { readonly regex: null; readonly domain: string };

/** The configured origins, compiled once per plugin instance. */
export interface CompiledOrigins {
  /** No origins, or `*` among them: `Access-Control-Allow-Origin: *`. */
  readonly allowAll: boolean;
  /** A single plain origin, sent as configured whatever the request's origin is (as Kong does). */
  readonly fixed: string | null;
  readonly matchers: readonly OriginMatcher[];
}

/** Entries with a character outside `[A-Za-z0-9.:/-]` are regexes. */
export function looksLikeRegex(origin: string): boolean {
  return /[^A-Za-z0-9.:/-]/.test(origin);
}

/**
 * A regex origin as Kong matches it: anchored at both ends (a leading `^` and trailing `$` the user wrote are
 * kept as the anchors).
 */
export function anchoredOriginPattern(origin: string): string {
  let source = origin.endsWith('$') ? origin : `${origin}$`;
  if (source.startsWith('^')) source = source.slice(1);
  return `^(?:${source})`;
}

const AUTHORITY = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?\/\/([^/?#]*)/;
const DEFAULT_PORTS: Readonly<Record<string, string>> = { http: '80', https: '443' };

/** Kong's `normalize_origin`: anything without an authority (`example.com`, `null`) is kept as it is. */
export function normalizeOrigin(origin: string): NormalizedOrigin {
  const m = AUTHORITY.exec(origin);
  if (m === null || m[2] === '') return { domain: origin, host: origin };
  const scheme = m[1];
  let authority = m[2];
  const at = authority.lastIndexOf('@');
  if (at >= 0) authority = authority.slice(at + 1);
  let host = authority;
  let port: string | undefined;
  const colon = authority.lastIndexOf(':');
  if (colon >= 0 && colon > authority.lastIndexOf(']')) {
    host = authority.slice(0, colon);
    port = authority.slice(colon + 1);
  }
  if (port === '' || (scheme !== undefined && DEFAULT_PORTS[scheme] === port)) port = undefined;
  const domain = `${scheme === undefined ? '' : `${scheme}://`}${host}${port === undefined ? '' : `:${port}`}`;
  return { domain, host };
}

/** Request origins seen recently, normalised (browsers send few distinct ones). */
const normalizedRequestOrigins = new LRUCache<string, NormalizedOrigin>({ max: 10_000 });

export function compileOrigins(origins: readonly string[] | null): CompiledOrigins {
  const list = origins ?? [];
  if (list.length === 0 || list.includes('*')) return { allowAll: true, fixed: null, matchers: [] };
  if (list.length === 1 && !looksLikeRegex(list[0])) return { allowAll: false, fixed: list[0], matchers: [] };
  const matchers = list.map((origin): OriginMatcher => {
    if (!looksLikeRegex(origin)) return { regex: null, domain: normalizeOrigin(origin).domain };
    return { regex: new RegExp(anchoredOriginPattern(origin)), byHost: !origin.includes(':') };
  });
  return { allowAll: false, fixed: null, matchers };
}

/** The value for `Access-Control-Allow-Origin` when `requestOrigin` matches one of the origins, else null. */
export function matchOrigin(compiled: CompiledOrigins, requestOrigin: string): string | null {
  let normalized = normalizedRequestOrigins.get(requestOrigin);
  if (normalized === undefined) {
    normalized = normalizeOrigin(requestOrigin);
    normalizedRequestOrigins.set(requestOrigin, normalized);
  }
  for (const matcher of compiled.matchers) {
    const found =
      matcher.regex === null
        ? matcher.domain === normalized.domain
        : matcher.regex.test(matcher.byHost ? normalized.host : normalized.domain);
    if (found) return normalized.domain;
  }
  return null;
}

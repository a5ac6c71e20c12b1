import type { Entity } from '@gantry/config';
import type { RouterError } from './errors';

/** What the router reads from a request; the proxy fills it once per request. */
export interface RequestFacts {
  /** As received (upper-case in practice). */
  method: string;
  /** The Host header as received; may carry `:port`. The router lower-cases it and splits the port. */
  host: string;
  /** The raw request path without the query string; the router normalises it as Kong 3 does. */
  path: string;
  /**
   * Node's lower-cased `req.headers`. Pass `req.headersDistinct` (arrays) to get Kong's per-value matching of
   * repeated headers; a joined string is matched as one value.
   */
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The client-facing scheme (the proxy resolves X-Forwarded-Proto trust itself). */
  scheme: 'http' | 'https';
  /** TLS SNI, when TLS. */
  sni: string | undefined;
}

/** Kong's `uri_captures`: `unnamed[i]` is Kong's `uri_captures[i]` (0 = whole match), plus the named groups. */
export interface RouteCaptures {
  /** Index 0 is the whole match, 1.. the groups in order (named ones too); a group that took no part is ''. */
  readonly unnamed: readonly string[];
  /** Named groups that took part in the match. */
  readonly named: Readonly<Record<string, string>>;
}

/** One `hosts` entry of a route, ready to compare. */
export interface HostRule {
  readonly kind: 'exact' | 'suffix' | 'prefix';
  /** The entry as configured (what a match reports as `matchedHost`). */
  readonly value: string;
  /** exact: the lower-cased name; suffix: `.example.com` for `*.example.com`; prefix: `example.` for `example.*`. */
  readonly name: string;
  /** The port the entry names, or null for any port. */
  readonly port: number | null;
}

/** One `headers` entry of a route: the request must carry the header with one of these values. */
export interface HeaderRule {
  /** Lower-cased header name. */
  readonly name: string;
  /** Plain values, lower-cased (compared case-insensitively). */
  readonly values: ReadonlySet<string>;
  /** `~*` values, compiled case-insensitive and unanchored. */
  readonly patterns: readonly RegExp[];
}

/** A route as the router holds it: the entity plus everything precomputed for matching and proxying. */
export interface CompiledRoute {
  readonly id: string;
  readonly serviceId: string | null;
  readonly entity: Entity;
  readonly name: string | null;
  readonly stripPath: boolean;
  readonly preserveHost: boolean;
  readonly pathHandling: 'v0' | 'v1';
  readonly httpsRedirectStatusCode: number;
  readonly protocols: readonly string[];
  /** `https` without `http` in `protocols`: a plain-http request gets `httpsRedirectStatusCode`. */
  readonly requiresHttps: boolean;
  readonly hosts: readonly HostRule[];
  /** Null when the route matches any method. */
  readonly methods: ReadonlySet<string> | null;
  readonly headers: readonly HeaderRule[];
  /** Lower-cased, without a trailing dot; null when the route has none. Only checked on https requests. */
  readonly snis: ReadonlySet<string> | null;
  readonly regexPriority: number;
  /** `created_at` in seconds (the tie-break after every Kong rule); +Infinity when missing. */
  readonly createdAt: number;
}

/** The route a request matched, and what the proxy needs from the match. */
export interface RouteMatch {
  readonly route: CompiledRoute;
  /** The route path that matched: the normalised prefix, or the regex source (without `~`); null for none. */
  readonly matchedPath: string | null;
  /** Characters of `normalizedPath` the matched path consumed (what `strip_path` removes). */
  readonly prefixLength: number;
  /** Regex captures, when a regex path with at least one group matched. */
  readonly captures: RouteCaptures | null;
  /** The `hosts` entry that matched, as configured; null when the route has no hosts. */
  readonly matchedHost: string | null;
  /** The route does not accept this scheme: answer with `route.httpsRedirectStatusCode` instead of proxying. */
  readonly httpsRequired: boolean;
  /** The request path as the router matched it (Kong's normalisation); pass it to `upstreamPath`. */
  readonly normalizedPath: string;
}

export interface RouterOptions {
  /** Maximum entries of the match cache (Kong's default: 5000). */
  cacheSize?: number;
  /** Regex paths and `~*` header values are only tried on subjects up to this many characters (default 4 KiB). */
  maxRegexSubjectLength?: number;
  /** Requests whose cache key is longer than this are matched without the cache (default 2 KiB). */
  maxCacheKeyLength?: number;
  /** Told about parts of a route the router cannot use (e.g. a regex that does not compile); default: ignored. */
  onRouteError?: (error: RouterError) => void;
}

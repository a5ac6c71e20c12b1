import type { RouteMatch } from './types';

/** Kong's `sanitize_uri_postfix`: a leftover `.`/`..` segment start is not forwarded. */
function sanitizePostfix(postfix: string): string {
  if (postfix === '.' || postfix === '..') return '';
  if (postfix.startsWith('./')) return postfix.slice(2);
  if (postfix.startsWith('../')) return postfix.slice(3);
  return postfix;
}

/** v0: service path, route path and request path are URL segments, always joined by exactly one slash. */
function joinV0(base: string, strip: boolean, postfix: string, requestPath: string): string {
  if (base.endsWith('/')) {
    if (!strip) return base + requestPath.slice(1);
    if (postfix === '') {
      if (base === '/') return '/';
      return requestPath.endsWith('/') ? base : base.slice(0, -1);
    }
    return postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
  }
  if (!strip) return requestPath === '/' ? base : base + requestPath;
  if (postfix === '') return requestPath.length > 1 && requestPath.endsWith('/') ? `${base}/` : base;
  return postfix.startsWith('/') ? base + postfix : `${base}/${postfix}`;
}

/** v1: the service path is a plain prefix; only a doubled slash at the join is removed. */
function joinV1(base: string, strip: boolean, postfix: string, requestPath: string): string {
  if (!strip) return base + requestPath.slice(1);
  return base.endsWith('/') && postfix.startsWith('/') ? base.slice(0, -1) + postfix : base + postfix;
}

/**
 * Kong's upstream path: `strip_path` removes what the route path matched, then `path_handling` v0 or v1 joins the
 * rest with `service.path` (null: `/`). `requestPath` must be the path the router matched,
 * `match.normalizedPath`. The result is not percent-escaped; see `escapeUpstreamPath`.
 */
export function upstreamPath(match: RouteMatch, requestPath: string, servicePath: string | null): string {
  const base = servicePath ?? '/';
  const strip = match.route.stripPath;
  // Without a path match (a route without paths) the postfix is the whole path minus its leading slash.
  const postfix =
    match.matchedPath === null ? requestPath.slice(1) : sanitizePostfix(requestPath.slice(match.prefixLength));
  return match.route.pathHandling === 'v1'
    ? joinV1(base, strip, postfix, requestPath)
    : joinV0(base, strip, postfix, requestPath);
}

/** Kong's `kong.tools.uri.escape` allow-list: RFC 3986 reserved and unreserved characters, and `%`. */
const UNSAFE = /[^!#$&'()*+,/:;=?@[\]A-Za-z0-9\-_.~%]/gu;

function encodeCodePoint(ch: string): string {
  try {
    return encodeURIComponent(ch);
  } catch {
    return '%EF%BF%BD'; // a lone surrogate has no UTF-8 form: send U+FFFD
  }
}

/**
 * Percent-encodes (UTF-8) what normalisation decoded and is not safe on the wire, as Kong does when it sets the
 * upstream URI: reserved characters and existing escapes are kept, so the path keeps its meaning.
 */
export function escapeUpstreamPath(path: string): string {
  return path.replace(UNSAFE, encodeCodePoint);
}

import type { Entity } from '@gantry/config';
import { compileEntries, type PathEntry } from '../compile';
import { headersMatch } from '../headers';
import { hostMatches, splitHostPort } from '../host';
import { normalizeRequestPath } from '../normalize-path';
import { compareEntries } from '../priority';
import type { RequestFacts } from '../types';

export interface ReferenceResult {
  readonly routeId: string;
  readonly matchedPath: string | null;
  readonly prefixLength: number;
}

/**
 * The router's semantics without any index or cache: every entry of every route is tried, the best by
 * `compareEntries` wins. Slow and obviously complete; tests compare the real router against it.
 */
export function referenceMatch(routes: readonly Entity[], request: RequestFacts): ReferenceResult | null {
  const https = request.scheme === 'https';
  const { name, port } = splitHostPort(request.host.toLowerCase());
  const hostPort = port ?? (https ? 443 : 80);
  const path = normalizeRequestPath(request.path);
  let best: { entry: PathEntry; length: number } | null = null;
  for (const entity of routes) {
    const compiled = compileEntries(entity, () => undefined);
    if (compiled === null) continue;
    const route = compiled.route;
    if (route.methods !== null && !route.methods.has(request.method)) continue;
    if (route.snis !== null && https && !route.snis.has((request.sni ?? '').toLowerCase())) continue;
    if (route.hosts.length > 0 && !route.hosts.some((h) => hostMatches(h, name, hostPort))) continue;
    if (!headersMatch(route.headers, request.headers, Number.POSITIVE_INFINITY)) continue;
    for (const entry of compiled.entries) {
      let length = 0;
      if (entry.kind === 'prefix') {
        if (!path.startsWith(entry.path)) continue;
        length = entry.path.length;
      } else if (entry.kind === 'regex') {
        if (path === '') continue;
        const m = new RegExp(entry.path, 'uy').exec(path);
        if (m === null) continue;
        length = m[0].length;
      }
      if (best === null || compareEntries(entry, best.entry) < 0) best = { entry, length };
    }
  }
  if (best === null) return null;
  return {
    routeId: best.entry.variant.route.id,
    matchedPath: best.entry.kind === 'none' ? null : best.entry.path,
    prefixLength: best.length,
  };
}

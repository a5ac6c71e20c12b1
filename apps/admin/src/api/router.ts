import type { Handler } from './types';

/** HTTP methods a route may answer. */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One path pattern (`/services/:services/routes`) and its handlers by method. */
export interface Route {
  readonly pattern: string;
  readonly methods: Partial<Record<Method, Handler>>;
  /** False for endpoints that answer without the folded configuration (node info, schemas). Default true. */
  readonly needsConfig?: boolean;
}

/** Result of matching a path. */
export type Match =
  | { readonly kind: 'found'; readonly route: Route; readonly params: Record<string, string> }
  | { readonly kind: 'none' };

interface Compiled {
  readonly route: Route;
  readonly segments: readonly string[];
  /** Literal segments weigh more the earlier they come: `/plugins/enabled` beats `/plugins/:plugins`. */
  readonly rank: readonly number[];
}

/** Thrown when segments cannot be percent-decoded. */
export class BadPathError extends Error {
  readonly code = 'GANTRY_ADMIN_BAD_PATH';
}

/**
 * A table-driven router over path segments. Literal segments win over parameters, position by position, as
 * in Kong's router; a path that matches a route whose method is missing is a 405 there, not a fallback to a
 * less specific route.
 */
export class Router {
  private readonly bySize = new Map<number, Compiled[]>();
  private readonly patterns = new Set<string>();

  add(route: Route): void {
    if (this.patterns.has(route.pattern)) throw new Error(`duplicate admin route ${route.pattern}`);
    this.patterns.add(route.pattern);
    const segments = split(route.pattern);
    const compiled: Compiled = { route, segments, rank: segments.map((s) => (s.startsWith(':') ? 0 : 1)) };
    const list = this.bySize.get(segments.length) ?? [];
    list.push(compiled);
    list.sort((a, b) => compareRank(b.rank, a.rank));
    this.bySize.set(segments.length, list);
  }

  /** Every pattern, sorted segment-wise, with `{param}` placeholders (`GET /endpoints`). */
  listPatterns(extra: readonly string[] = []): string[] {
    return [...this.patterns, ...extra]
      .map((p) => p.replace(/:([^/]+)/g, '{$1}'))
      .sort((a, b) => {
        const x = a.replace(/\//g, '\u0000');
        const y = b.replace(/\//g, '\u0000');
        return x < y ? -1 : x > y ? 1 : 0;
      });
  }

  /** Finds the most specific route for a decoded-or-raw path; throws {@link BadPathError} on bad escapes. */
  match(path: string): Match {
    const raw = split(path);
    const candidates = this.bySize.get(raw.length);
    if (candidates === undefined) return { kind: 'none' };
    let segments: string[];
    try {
      segments = raw.map((s) => decodeURIComponent(s));
    } catch {
      throw new BadPathError(`invalid percent-encoding in ${path}`);
    }
    for (const c of candidates) {
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const want = c.segments[i];
        if (want.startsWith(':')) params[want.slice(1)] = segments[i];
        else ok = want === segments[i];
      }
      if (ok) return { kind: 'found', route: c.route, params };
    }
    return { kind: 'none' };
  }
}

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

function compareRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

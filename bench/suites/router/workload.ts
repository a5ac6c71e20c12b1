import type { Entity, JsonObject } from '@gantry/config';
import { BENCH_TIME, benchRoute } from '../../../libs/config/src/testing/bench-entities';
import type { RequestFacts } from '@gantry/router';

/** A small deterministic PRNG (mulberry32), so every run and both sides of a case see the same workload. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function uuid(n: number, kind: number): string {
  return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

const SERVICE = { id: uuid(0, 0xffff) };

/** The share of each kind of route in the mix, by `i % 10`. */
export const MIX =
  '40% exact host + prefix path, 10% path prefix only, 10% `*.suffix` host, 10% regex path with a named group ' +
  '(regex_priority 0-2), 10% path + header (5 routes share each path), 10% methods + path, 10% `prefix.*` host + path';

function routeFields(i: number): JsonObject {
  switch (i % 10) {
    case 4:
      return { paths: [`/p${i}/items`] };
    case 5:
      return { hosts: [`*.t${i}.example.com`], paths: ['/'] };
    case 6:
      return { paths: [`~/re${i}/(?<id>\\d+)/items$`], regex_priority: i % 3 };
    case 7:
      return { paths: [`/h${Math.floor(i / 50)}`], headers: { 'x-tenant': [`t${i}`] } };
    case 8:
      return { methods: ['GET', 'POST'], paths: [`/m${i}`] };
    case 9:
      return { hosts: [`app${i}.*`], paths: ['/v1'] };
    default:
      return { hosts: [`svc${i}.example.com`], paths: [`/api/v${i % 3}/r${i}`] };
  }
}

/** Route `i` of the mix, with every Kong default filled in (the fold and boot benches' `benchRoute`). */
export function mixedRoute(i: number, version = 0): Entity {
  return benchRoute(uuid(i, 1), i, SERVICE.id, {
    created_at: BENCH_TIME + i,
    updated_at: BENCH_TIME + i + version,
    paths: null,
    ...routeFields(i),
    ...(version > 0 ? { paths: [`/changed${version}/r${i}`] } : {}),
  });
}

export function mixedRoutes(n: number): Entity[] {
  return Array.from({ length: n }, (_, i) => mixedRoute(i));
}

/** A request aimed at route `i`; `k` varies the part of the request that the route does not pin down. */
function requestFor(i: number, k: number): RequestFacts {
  const base: RequestFacts = {
    method: 'GET',
    host: 'gw.example.org',
    path: '/',
    headers: {},
    scheme: 'http',
    sni: undefined,
  };
  switch (i % 10) {
    case 4:
      return { ...base, path: `/p${i}/items/${k}` };
    case 5:
      return { ...base, host: `a${k}.t${i}.example.com`, path: '/x' };
    case 6:
      return { ...base, path: `/re${i}/${k}/items` };
    case 7:
      return { ...base, path: `/h${Math.floor(i / 50)}/q${k}`, headers: { 'x-tenant': `t${i}` } };
    case 8:
      return { ...base, method: 'POST', path: `/m${i}` };
    case 9:
      return { ...base, host: `app${i}.internal:8000`, path: `/v1/thing/${k}` };
    default:
      return { ...base, host: `svc${i}.example.com`, path: `/api/v${i % 3}/r${i}/x/${k}` };
  }
}

export interface Probe {
  readonly request: RequestFacts;
  /** The route id the request must match; null for a request that must match nothing. */
  readonly expected: string | null;
}

/**
 * `count` requests over `n` routes: 95% aimed at a random route, 5% that match nothing. `distinct` caps how many
 * different requests there are (a hot set that fits the match cache); 0 makes every request unique (the cache
 * never hits: the index is measured).
 */
export function probes(n: number, count: number, distinct: number, seed: number): Probe[] {
  const random = prng(seed);
  const pool = distinct > 0 ? Math.min(distinct, count) : count;
  const made: Probe[] = [];
  for (let j = 0; j < pool; j++) {
    const k = distinct > 0 ? j % 7 : j;
    if (random() < 0.05) {
      made.push({
        request: {
          method: 'GET',
          host: `nowhere${j}.test`,
          path: `/missing/${k}`,
          headers: {},
          scheme: 'http',
          sni: undefined,
        },
        expected: null,
      });
      continue;
    }
    const i = Math.floor(random() * n);
    made.push({ request: requestFor(i, k), expected: uuid(i, 1) });
  }
  if (pool === count) return made;
  return Array.from({ length: count }, () => made[Math.floor(random() * pool)]);
}

import fc from 'fast-check';
import type { Entity, JsonObject } from '@gantry/config';
import { Router } from './router';
import { referenceMatch, type ReferenceResult } from './testing/reference-matcher';
import { testId } from './testing/routes';
import type { RequestFacts, RouteMatch } from './types';

const maybe = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | null> => fc.option(arb, { nil: null });

const routeFields: fc.Arbitrary<JsonObject> = fc.record({
  hosts: maybe(fc.subarray(['a.com', 'B.com', '*.com', 'a.*', 'a.com:8080', 'x.com:80'])),
  paths: maybe(fc.subarray(['/', '/a', '/ab', '/a/b', '~/a/(\\d+)', '~/(?<x>b)+', '~/a', '/b', '/a/b/'])),
  methods: maybe(fc.subarray(['GET', 'POST'])),
  headers: maybe(fc.record({ x: fc.subarray(['1', '2', '~*^3']) }, { requiredKeys: [] })),
  snis: maybe(fc.subarray(['a.com', 's.com'])),
  protocols: fc.constantFrom(['http', 'https'], ['https'], ['grpc', 'grpcs'], ['tcp']),
  regex_priority: fc.integer({ min: -1, max: 2 }),
  created_at: fc.integer({ min: 1, max: 3 }),
});

const request: fc.Arbitrary<RequestFacts> = fc.record({
  method: fc.constantFrom('GET', 'POST'),
  host: fc.constantFrom('a.com', 'A.COM', 'b.com', 'x.com', 'a.com:8080', 'a.org', 'q.a.com'),
  path: fc.constantFrom('/', '/a', '/a/1', '/ab', '/b', '/bb', '/a/b/c', '/x', '/a/./b/', '//a'),
  headers: fc.record({ x: fc.constantFrom('1', '3x', 'nope') }, { requiredKeys: [] }),
  scheme: fc.constantFrom('http' as const, 'https' as const),
  sni: fc.constantFrom(undefined, 'a.com', 's.com'),
});

type Op = { upsert: true; id: number; fields: JsonObject } | { upsert: false; id: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ upsert: fc.constant(true as const), id: fc.integer({ min: 1, max: 8 }), fields: routeFields }),
  fc.record({ upsert: fc.constant(false as const), id: fc.integer({ min: 1, max: 8 }) }),
);

function entity(id: number, fields: JsonObject): Entity {
  return {
    id: testId(id),
    strip_path: true,
    preserve_host: false,
    path_handling: 'v0',
    https_redirect_status_code: 426,
    service: null,
    ...fields,
  };
}

function summary(match: RouteMatch | null): ReferenceResult | null {
  return match === null
    ? null
    : { routeId: match.route.id, matchedPath: match.matchedPath, prefixLength: match.prefixLength };
}

describe('incremental updates', () => {
  it('after any sequence of upserts and removes, match() equals a fresh load() and the brute-force reference', () => {
    fc.assert(
      fc.property(
        fc.array(op, { maxLength: 25 }),
        fc.array(request, { minLength: 1, maxLength: 12 }),
        (ops, requests) => {
          const incremental = new Router({ cacheSize: 8 });
          const current = new Map<number, Entity>();
          for (const o of ops) {
            if (o.upsert) {
              const e = entity(o.id, o.fields);
              incremental.upsert(e);
              current.set(o.id, e);
            } else {
              incremental.remove(testId(o.id));
              current.delete(o.id);
            }
            // Match between changes so that a stale cache entry would show.
            for (const r of requests) incremental.match(r);
          }
          const fresh = new Router();
          fresh.load(current.values());
          expect(incremental.size).toBe(fresh.size);
          for (const r of requests) {
            const got = incremental.match(r);
            expect(got).toEqual(fresh.match(r));
            expect(summary(got)).toEqual(referenceMatch([...current.values()], r));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('apply() handles creates, updates, deletes and cascades like upsert/remove', () => {
    const a = entity(1, { paths: ['/a'] });
    const b = entity(2, { paths: ['/b'] });
    const router = new Router();
    router.apply([
      { op: 'create', kind: 'routes', key: a.id, before: null, after: a },
      { op: 'create', kind: 'routes', key: b.id, before: null, after: b },
      { op: 'create', kind: 'plugins', key: 'ignored', before: null, after: { id: 'ignored' } },
    ]);
    expect(router.size).toBe(2);
    const moved = { ...a, paths: ['/moved'] };
    router.apply([{ op: 'update', kind: 'routes', key: a.id, before: a, after: moved }]);
    const req = (path: string): RequestFacts => ({
      method: 'GET',
      host: 'h',
      path,
      headers: {},
      scheme: 'http',
      sni: undefined,
    });
    expect(router.match(req('/a'))).toBeNull();
    expect(router.match(req('/moved'))?.route.id).toBe(a.id);
    router.apply([{ op: 'delete', kind: 'routes', key: b.id, before: b, after: null, cascade: true }]);
    expect(router.size).toBe(1);
    expect(router.match(req('/b'))).toBeNull();
  });
});

import type { JsonObject } from '@gantry/config';
import { Router } from './router';
import { makeRequest, makeRoute } from './testing/routes';
import type { RequestFacts } from './types';

/**
 * Creates the routes in order (so the first is the oldest), loads them in reverse and also applies them one by
 * one in order: both routers must pick the route named `winner`.
 */
function winner(request: Partial<RequestFacts>, ...routes: (JsonObject & { name: string })[]): string | null {
  const entities = routes.map((r) => makeRoute(r));
  const loaded = new Router();
  loaded.load([...entities].reverse());
  const applied = new Router();
  for (const e of entities) applied.upsert(e);
  const a = loaded.match(makeRequest(request))?.route.name ?? null;
  const b = applied.match(makeRequest(request))?.route.name ?? null;
  expect(b).toBe(a);
  return a;
}

describe('precedence (Kong 3 traditional_compatible)', () => {
  it('1. more matching attributes win, before anything else', () => {
    expect(
      winner({ path: '/' }, { name: 'paths', paths: ['/'] }, { name: 'paths+methods', paths: ['/'], methods: ['GET'] }),
    ).toBe('paths+methods');
    expect(
      winner(
        { host: 'a.x.com', path: '/long/path' },
        { name: 'plain host, long path', hosts: ['a.x.com'], paths: ['/long/path'] },
        { name: 'wildcard+methods+paths', hosts: ['*.x.com'], methods: ['GET'], paths: ['/'] },
      ),
    ).toBe('wildcard+methods+paths');
  });

  it('2. then plain hosts over wildcard hosts (even against a longer path)', () => {
    expect(
      winner(
        { host: 'a.example.com', path: '/longer' },
        { name: 'wildcard', hosts: ['*.example.com'], paths: ['/longer'] },
        { name: 'plain', hosts: ['a.example.com'], paths: ['/'] },
      ),
    ).toBe('plain');
    expect(
      winner(
        { host: 'a.example.com', path: '/longer' },
        { name: 'mixed hosts count as wildcard', hosts: ['a.example.com', '*.example.com'], paths: ['/'] },
        { name: 'prefix wildcard', hosts: ['a.example.*'], paths: ['/longer'] },
      ),
    ).toBe('prefix wildcard');
  });

  it('3. then more headers', () => {
    const headers = { a: '1', b: '2' };
    expect(
      winner({ headers }, { name: 'one', headers: { a: ['1'] } }, { name: 'two', headers: { a: ['1'], b: ['2'] } }),
    ).toBe('two');
    expect(
      winner(
        { headers, path: '/x' },
        { name: 'regex, one header', paths: ['~/x'], headers: { a: ['1'] } },
        { name: 'plain, two headers', paths: ['/x'], headers: { a: ['1'], b: ['2'] } },
      ),
    ).toBe('plain, two headers');
  });

  it('4. then regex paths over plain paths (Kong; not in kong-compat.md), whatever the plain length', () => {
    expect(
      winner({ path: '/abc/def' }, { name: 'long plain', paths: ['/abc/def'] }, { name: 'regex', paths: ['~/abc'] }),
    ).toBe('regex');
  });

  it('5. then regex_priority among regex paths; it does nothing for plain paths', () => {
    expect(
      winner(
        { path: '/a/b' },
        { name: 'low', paths: ['~/a'], regex_priority: 1 },
        { name: 'high', paths: ['~/a/.*'], regex_priority: 5 },
        { name: 'negative', paths: ['~/'], regex_priority: -3 },
      ),
    ).toBe('high');
    expect(
      winner(
        { path: '/ab' },
        { name: 'short plain, high priority', paths: ['/a'], regex_priority: 10 },
        { name: 'longer plain', paths: ['/ab'] },
      ),
    ).toBe('longer plain');
  });

  it('6. then the longest plain path', () => {
    expect(
      winner(
        { path: '/a/b/c' },
        { name: '/a', paths: ['/a'] },
        { name: '/a/b', paths: ['/a/b'] },
        { name: '/', paths: ['/'] },
      ),
    ).toBe('/a/b');
  });

  it('7. then the oldest created_at, then the smallest id', () => {
    expect(winner({ path: '/x' }, { name: 'older', paths: ['/x'] }, { name: 'newer', paths: ['/x'] })).toBe('older');
    const tie = { paths: ['/t'], created_at: 5 };
    expect(
      winner(
        { path: '/t' },
        { ...tie, name: 'b', id: '00000000-0000-4000-8000-00000000000b' },
        { ...tie, name: 'a', id: '00000000-0000-4000-8000-00000000000a' },
      ),
    ).toBe('a');
  });

  it('a route with several paths competes once per group of paths (all regexes; plain paths by length)', () => {
    const routes = [
      { name: 'split', paths: ['/a', '/abc/def'] },
      { name: 'middle', paths: ['/abc'] },
    ];
    expect(winner({ path: '/abc/x' }, ...routes)).toBe('middle');
    expect(winner({ path: '/abc/def/x' }, ...routes)).toBe('split');
  });

  it('among the paths of one group, the first listed that matches is reported', () => {
    const router = new Router();
    router.load([makeRoute({ paths: ['~/x/(\\d+)', '~/x/(.+)'] })]);
    expect(router.match(makeRequest({ path: '/x/12' }))?.matchedPath).toBe('/x/(\\d+)');
    expect(router.match(makeRequest({ path: '/x/ab' }))?.matchedPath).toBe('/x/(.+)');
  });

  it("Kong's quirk: an empty hosts array counts as plain hosts only, though it matches any host", () => {
    expect(
      winner({ path: '/p' }, { name: 'no hosts', paths: ['/p'] }, { name: 'empty hosts', hosts: [], paths: ['/p'] }),
    ).toBe('empty hosts');
  });

  it('a more specific host bucket does not hide a better route without hosts', () => {
    expect(
      winner(
        { host: 'a.com', path: '/x', method: 'GET' },
        { name: 'host only', hosts: ['a.com'] },
        { name: 'paths+methods', paths: ['/x'], methods: ['GET'] },
      ),
    ).toBe('paths+methods');
  });
});

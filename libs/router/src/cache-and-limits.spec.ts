import { RouterError } from './errors';
import { Router } from './router';
import { makeRequest, makeRoute } from './testing/routes';

describe('match cache', () => {
  it('stays within cacheSize whatever hosts and paths clients send', () => {
    const router = new Router({ cacheSize: 50 });
    router.load([makeRoute({ hosts: ['*.example.com'] }), makeRoute({ paths: ['/api'] })]);
    for (let i = 0; i < 5_000; i++) {
      router.match(makeRequest({ host: `h${i}.example.com`, path: `/api/${i}` }));
      router.match(makeRequest({ host: `random-${i}.test`, path: `/nothing/${i}` }));
    }
    expect(router.cachedMatches).toBeLessThanOrEqual(50);
  });

  it('does not cache requests whose key exceeds maxCacheKeyLength', () => {
    const router = new Router({ maxCacheKeyLength: 64 });
    router.load([makeRoute({ paths: ['/'] })]);
    router.match(makeRequest({ path: `/${'x'.repeat(100)}` }));
    expect(router.cachedMatches).toBe(0);
    router.match(makeRequest({ path: '/short' }));
    expect(router.cachedMatches).toBe(1);
  });

  it('keys on the header values routes look at', () => {
    const router = new Router();
    const route = makeRoute({ headers: { 'x-v': ['1'] } });
    router.load([route]);
    expect(router.match(makeRequest({ headers: { 'x-v': '1' } }))?.route.id).toBe(route.id);
    expect(router.match(makeRequest({ headers: { 'x-v': '2' } }))).toBeNull();
    expect(router.match(makeRequest({ headers: {} }))).toBeNull();
    expect(router.match(makeRequest({ headers: { 'x-v': ['2', '1'] } }))?.route.id).toBe(route.id);
  });

  it('is cleared by every change: no stale match, no stale miss', () => {
    const router = new Router();
    const first = makeRoute({ paths: ['/a'] });
    router.load([first]);
    expect(router.match(makeRequest({ path: '/a/b' }))?.route.id).toBe(first.id);
    expect(router.match(makeRequest({ path: '/z' }))).toBeNull();
    const better = makeRoute({ paths: ['/a/b'] });
    router.upsert(better);
    expect(router.match(makeRequest({ path: '/a/b' }))?.route.id).toBe(better.id);
    const catchAll = makeRoute({ paths: ['/'] });
    router.apply([{ op: 'create', kind: 'routes', key: catchAll.id, before: null, after: catchAll }]);
    expect(router.match(makeRequest({ path: '/z' }))?.route.id).toBe(catchAll.id);
    router.remove(better.id);
    expect(router.match(makeRequest({ path: '/a/b' }))?.route.id).toBe(first.id);
  });
});

describe('regex subject bound', () => {
  it('skips regex paths on longer paths, but still matches plain prefixes', () => {
    const router = new Router({ maxRegexSubjectLength: 16 });
    const regex = makeRoute({ paths: ['~/r/.*'] });
    const plain = makeRoute({ paths: ['/r'] });
    router.load([regex, plain]);
    expect(router.match(makeRequest({ path: '/r/123456789012' }))?.route.id).toBe(regex.id); // 15 chars
    expect(router.match(makeRequest({ path: '/r/12345678901234' }))?.route.id).toBe(plain.id); // 17 chars
  });

  it('applies to ~* header values too', () => {
    const router = new Router({ maxRegexSubjectLength: 8 });
    const route = makeRoute({ headers: { 'x-a': ['~*^a+$', 'exact-long-value'] } });
    router.load([route]);
    expect(router.match(makeRequest({ headers: { 'x-a': 'aaaa' } }))?.route.id).toBe(route.id);
    expect(router.match(makeRequest({ headers: { 'x-a': 'a'.repeat(9) } }))).toBeNull();
    expect(router.match(makeRequest({ headers: { 'x-a': 'EXACT-LONG-VALUE' } }))?.route.id).toBe(route.id);
  });
});

describe('options', () => {
  it.each([{ cacheSize: 0 }, { maxRegexSubjectLength: -1 }, { maxCacheKeyLength: 1.5 }])('rejects %j', (options) => {
    expect(() => new Router(options)).toThrow(RouterError);
  });
});

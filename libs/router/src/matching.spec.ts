import type { Entity, JsonObject } from '@gantry/config';
import type { RouterError } from './errors';
import { Router } from './router';
import { makeRequest, makeRoute } from './testing/routes';
import type { RequestFacts } from './types';

function routerWith(...fields: JsonObject[]): { router: Router; routes: Entity[] } {
  const routes = fields.map((f) => makeRoute(f));
  const router = new Router();
  router.load(routes);
  return { router, routes };
}

function matchedId(router: Router, request: Partial<RequestFacts>): string | null {
  return router.match(makeRequest(request))?.route.id ?? null;
}

describe('matching attributes', () => {
  it('methods: one of the listed methods', () => {
    const { router, routes } = routerWith({ methods: ['GET', 'POST'] });
    expect(matchedId(router, { method: 'POST' })).toBe(routes[0].id);
    expect(matchedId(router, { method: 'DELETE' })).toBeNull();
  });

  it('hosts: exact, case-insensitive, any port unless the entry names one', () => {
    const { router, routes } = routerWith({ hosts: ['API.example.com'] }, { hosts: ['ported.example.com:8080'] });
    expect(matchedId(router, { host: 'api.EXAMPLE.com' })).toBe(routes[0].id);
    expect(matchedId(router, { host: 'api.example.com:9999' })).toBe(routes[0].id);
    expect(matchedId(router, { host: 'other.example.com' })).toBeNull();
    expect(matchedId(router, { host: 'ported.example.com:8080' })).toBe(routes[1].id);
    expect(matchedId(router, { host: 'ported.example.com' })).toBeNull();
  });

  it('hosts: an entry with the scheme default port matches a Host header without port', () => {
    const { router, routes } = routerWith({ hosts: ['a.example.com:80'] }, { hosts: ['b.example.com:443'] });
    expect(matchedId(router, { host: 'a.example.com' })).toBe(routes[0].id);
    expect(matchedId(router, { host: 'b.example.com', scheme: 'https' })).toBe(routes[1].id);
    expect(matchedId(router, { host: 'b.example.com', scheme: 'http' })).toBeNull();
  });

  it('hosts: leading and trailing wildcards', () => {
    const { router, routes } = routerWith({ hosts: ['*.example.com'] }, { hosts: ['service.*'] });
    const match = router.match(makeRequest({ host: 'a.b.example.com:8000' }));
    expect(match?.route.id).toBe(routes[0].id);
    expect(match?.matchedHost).toBe('*.example.com');
    expect(matchedId(router, { host: 'example.com' })).toBeNull();
    expect(matchedId(router, { host: 'service.internal' })).toBe(routes[1].id);
    expect(matchedId(router, { host: 'service.' })).toBeNull();
  });

  it('hosts: IPv6 literals, bracketed in the Host header', () => {
    const { router, routes } = routerWith({ hosts: ['[::1]'] });
    expect(matchedId(router, { host: '[::1]:8000' })).toBe(routes[0].id);
  });

  it('paths: plain prefixes against the normalised path', () => {
    const { router, routes } = routerWith({ paths: ['/api'] });
    const match = router.match(makeRequest({ path: '/api/users' }));
    expect(match).toMatchObject({ matchedPath: '/api', prefixLength: 4, captures: null, normalizedPath: '/api/users' });
    expect(matchedId(router, { path: '/apiary' })).toBe(routes[0].id); // a prefix, not a segment
    expect(matchedId(router, { path: '/x/../api//users' })).toBe(routes[0].id);
    expect(matchedId(router, { path: '/%61pi' })).toBe(routes[0].id);
    expect(matchedId(router, { path: '/ap' })).toBeNull();
  });

  it('paths: regexes are anchored at the start and expose unnamed and named captures', () => {
    const { router } = routerWith({ paths: ['~/users/(?<id>\\d+)/(\\w+)'] });
    const match = router.match(makeRequest({ path: '/users/42/posts/7' }));
    expect(match?.matchedPath).toBe('/users/(?<id>\\d+)/(\\w+)');
    expect(match?.prefixLength).toBe('/users/42/posts'.length);
    expect(match?.captures).toEqual({ unnamed: ['/users/42/posts', '42', 'posts'], named: { id: '42' } });
    expect(router.match(makeRequest({ path: '/x/users/42/posts' }))).toBeNull();
  });

  it('paths: a regex without groups has no captures; an optional group that took no part is empty', () => {
    const { router } = routerWith({ paths: ['~/plain/\\d+$'] }, { paths: ['~/opt(/(?<rest>x))?'] });
    expect(router.match(makeRequest({ path: '/plain/12' }))?.captures).toBeNull();
    expect(router.match(makeRequest({ path: '/opt' }))?.captures).toEqual({ unnamed: ['/opt', '', ''], named: {} });
  });

  it('paths: regexes are tried whatever literal text they start with', () => {
    const { router, routes } = routerWith({ paths: ['~/(a|b)+/end'] }, { paths: ['~.*/tail$'] });
    expect(matchedId(router, { path: '/abab/end' })).toBe(routes[0].id);
    expect(matchedId(router, { path: '/any/thing/tail' })).toBe(routes[1].id);
  });

  it('headers: every header with one of its values, case-insensitively; repeated headers per value', () => {
    const { router, routes } = routerWith({ headers: { 'X-Version': ['V1', 'v2'], 'x-team': ['core'] } });
    expect(matchedId(router, { headers: { 'x-version': 'v1', 'x-team': 'CORE' } })).toBe(routes[0].id);
    expect(matchedId(router, { headers: { 'x-version': ['v9', 'V2'], 'x-team': 'core' } })).toBe(routes[0].id);
    expect(matchedId(router, { headers: { 'x-version': 'v1' } })).toBeNull();
    expect(matchedId(router, { headers: { 'x-version': 'v1, v2', 'x-team': 'core' } })).toBeNull();
  });

  it('headers: ~* values are case-insensitive unanchored regexes', () => {
    const { router, routes } = routerWith({ headers: { 'x-agent': ['~*^Mobile-\\d+'] } });
    expect(matchedId(router, { headers: { 'x-agent': 'mobile-12 android' } })).toBe(routes[0].id);
    expect(matchedId(router, { headers: { 'x-agent': 'desktop' } })).toBeNull();
  });

  it('snis: checked on https requests only', () => {
    const { router, routes } = routerWith({ snis: ['secure.example.com.'], paths: ['/'] });
    expect(matchedId(router, { scheme: 'https', sni: 'SECURE.example.com' })).toBe(routes[0].id);
    expect(matchedId(router, { scheme: 'https', sni: 'other.example.com' })).toBeNull();
    expect(matchedId(router, { scheme: 'https', sni: undefined })).toBeNull();
    expect(matchedId(router, { scheme: 'http' })).toBe(routes[0].id);
  });

  it('protocols: an https-only route still matches plain http, flagged httpsRequired', () => {
    const { router } = routerWith({ protocols: ['https'], paths: ['/s'], https_redirect_status_code: 301 });
    const plain = router.match(makeRequest({ path: '/s' }));
    expect(plain?.httpsRequired).toBe(true);
    expect(plain?.route.httpsRedirectStatusCode).toBe(301);
    expect(router.match(makeRequest({ path: '/s', scheme: 'https' }))?.httpsRequired).toBe(false);
  });

  it('protocols: stream routes are ignored, grpc routes match like http', () => {
    const { router, routes } = routerWith(
      { protocols: ['tcp'], sources: [{ ip: '10.0.0.1' }] },
      { protocols: ['grpc'], paths: ['/pkg.Svc/'], strip_path: false },
    );
    expect(router.size).toBe(1);
    expect(matchedId(router, { path: '/pkg.Svc/Method', method: 'POST' })).toBe(routes[1].id);
  });

  it('a route matches only when every attribute it sets matches', () => {
    const { router, routes } = routerWith({ methods: ['GET'], hosts: ['a.com'], paths: ['/p'], headers: { x: ['1'] } });
    const full = { method: 'GET', host: 'a.com', path: '/p', headers: { x: '1' } };
    expect(matchedId(router, full)).toBe(routes[0].id);
    expect(matchedId(router, { ...full, method: 'PUT' })).toBeNull();
    expect(matchedId(router, { ...full, host: 'b.com' })).toBeNull();
    expect(matchedId(router, { ...full, path: '/q' })).toBeNull();
    expect(matchedId(router, { ...full, headers: {} })).toBeNull();
  });

  it('the routes of a disabled service do not match, and come back when it is enabled', () => {
    const route = makeRoute({ paths: ['/'] });
    const service = { id: (route.service as { id: string }).id, enabled: false } as Entity;
    const router = new Router();
    router.load([route], [service]);
    expect(matchedId(router, {})).toBeNull();
    router.apply([
      { op: 'update', kind: 'services', key: service.id, before: service, after: { ...service, enabled: true } },
    ]);
    expect(matchedId(router, {})).toBe(route.id);
  });

  it('exposes the route flags the proxy needs', () => {
    const { router } = routerWith({
      paths: ['/'],
      strip_path: false,
      preserve_host: true,
      path_handling: 'v1',
      name: 'r1',
    });
    expect(router.match(makeRequest())?.route).toMatchObject({
      stripPath: false,
      preserveHost: true,
      pathHandling: 'v1',
      name: 'r1',
      protocols: ['http', 'https'],
      serviceId: expect.any(String),
    });
  });

  it('reports a regex that does not compile and keeps the rest of the route', () => {
    const errors: RouterError[] = [];
    const router = new Router({ onRouteError: (e) => errors.push(e) });
    const route = makeRoute({ paths: ['~/(unclosed', '/ok'] });
    router.load([route]);
    expect(errors.map((e) => e.code)).toEqual(['GANTRY_ROUTER_INVALID_REGEX']);
    expect(matchedId(router, { path: '/ok' })).toBe(route.id);
  });
});

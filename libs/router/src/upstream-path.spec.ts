import type { JsonObject } from '@gantry/config';
import { Router } from './router';
import { makeRequest, makeRoute } from './testing/routes';
import { escapeUpstreamPath, upstreamPath } from './upstream-path';

function proxied(route: JsonObject, requestPath: string, servicePath: string | null): string {
  const router = new Router();
  router.load([makeRoute(route)]);
  const match = router.match(makeRequest({ path: requestPath }));
  if (match === null) throw new Error(`no match for ${requestPath}`);
  return upstreamPath(match, match.normalizedPath, servicePath);
}

describe('upstreamPath', () => {
  // Kong's Admin API reference table (service.path, route.path, strip_path, path_handling, request -> upstream).
  // Its row "/fv0/ + blank" reads `/s/fv01/`, a typo: Kong's code gives `/s/fv0/`.
  it.each([
    ['/s', '/fv0', false, 'v0', '/fv0/req', '/s/fv0/req'],
    ['/s', '/fv0', false, 'v0', '/fv0', '/s/fv0'],
    ['/s', '/fv1', false, 'v1', '/fv1/req', '/sfv1/req'],
    ['/s', '/fv1', false, 'v1', '/fv1', '/sfv1'],
    ['/s', '/tv0', true, 'v0', '/tv0/req', '/s/req'],
    ['/s', '/tv0', true, 'v0', '/tv0', '/s'],
    ['/s', '/tv1', true, 'v1', '/tv1/req', '/s/req'],
    ['/s', '/tv1', true, 'v1', '/tv1', '/s'],
    ['/s', '/fv0/', false, 'v0', '/fv0/req', '/s/fv0/req'],
    ['/s', '/fv0/', false, 'v0', '/fv0/', '/s/fv0/'],
    ['/s', '/fv1/', false, 'v1', '/fv1/req', '/sfv1/req'],
    ['/s', '/fv1/', false, 'v1', '/fv1/', '/sfv1/'],
    ['/s', '/tv0/', true, 'v0', '/tv0/req', '/s/req'],
    ['/s', '/tv0/', true, 'v0', '/tv0/', '/s/'],
    ['/s', '/tv1/', true, 'v1', '/tv1/req', '/sreq'],
    ['/s', '/tv1/', true, 'v1', '/tv1/', '/s'],
  ])('service %s, route %s, strip %s, %s: %s -> %s', (service, path, strip, handling, request, expected) => {
    expect(proxied({ paths: [path], strip_path: strip, path_handling: handling }, request, service)).toBe(expected);
  });

  it.each([
    [null, '/api', true, '/api/users', '/users'],
    [null, '/api', true, '/api', '/'],
    [null, '/api', false, '/api/users', '/api/users'],
    ['/', '/api', true, '/api/', '/'],
    ['/s/', '/api', true, '/api/users', '/s/users'],
    ['/s/', '/api', true, '/api', '/s'],
    ['/s/', '/api', true, '/api/', '/s/'],
    ['/s/', '/api', false, '/api/users', '/s/api/users'],
    ['/s', '/', false, '/', '/s'],
  ])('v0, service %s, route %s, strip %s: %s -> %s', (service, path, strip, request, expected) => {
    expect(proxied({ paths: [path], strip_path: strip }, request, service)).toBe(expected);
  });

  it('strip_path removes what a regex consumed', () => {
    expect(proxied({ paths: ['~/v(\\d+)/items'] }, '/v2/items/9', '/backend')).toBe('/backend/9');
  });

  it('a route without paths keeps the whole path', () => {
    expect(proxied({ hosts: ['example.com'] }, '/a/b', '/s')).toBe('/s/a/b');
    expect(proxied({ hosts: ['example.com'] }, '/', '/s')).toBe('/s');
  });

  it('drops a leftover dot segment at the join (sanitize_uri_postfix)', () => {
    expect(proxied({ paths: ['/foo'] }, '/foo..', '/s')).toBe('/s');
  });
});

describe('escapeUpstreamPath', () => {
  it('keeps reserved and unreserved characters and escapes, encodes the rest as UTF-8', () => {
    expect(escapeUpstreamPath("/a-b_c.d~e/!$&'()*+,;=:@/%2F")).toBe("/a-b_c.d~e/!$&'()*+,;=:@/%2F");
    expect(escapeUpstreamPath('/space here/café')).toBe('/space%20here/caf%C3%A9');
  });
});

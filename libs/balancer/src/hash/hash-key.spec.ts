import type { JsonObject } from '@gantry/config';
import { parseUpstream } from '../settings/upstream-settings';
import { upstreamEntity, uuid } from '../testing/entities';
import { context, harness } from '../testing/harness';
import type { BalancerContext } from '../types';
import { HashKey } from './hash-key';
import { findCookie, findQueryArg } from './request-values';

function key(fields: JsonObject): HashKey {
  return new HashKey(parseUpstream(upstreamEntity(uuid(1), 'u', { algorithm: 'consistent-hashing', ...fields })));
}

// Laid out as the router produces them: index 0 is the whole match.
const captures = { unnamed: ['/acme/first/second', 'first', 'second'], named: { tenant: 'acme' } };

describe('hash_on', () => {
  const cases: [string, JsonObject, Partial<BalancerContext>, string | null][] = [
    ['none', {}, {}, null],
    ['consumer', { hash_on: 'consumer' }, { consumerId: 'c-1' }, 'c-1'],
    ['consumer without one', { hash_on: 'consumer' }, {}, null],
    ['ip', { hash_on: 'ip' }, { clientIp: '192.0.2.7' }, '192.0.2.7'],
    ['header', { hash_on: 'header', hash_on_header: 'X-User' }, { headers: { 'x-user': 'ann' } }, 'ann'],
    ['repeated header', { hash_on: 'header', hash_on_header: 'x-user' }, { headers: { 'x-user': ['a', 'b'] } }, 'a, b'],
    ['path', { hash_on: 'path' }, { path: '/orders/7' }, '/orders/7'],
    ['query_arg', { hash_on: 'query_arg', hash_on_query_arg: 'shard' }, { query: 'a=1&shard=s%203' }, 's 3'],
    ['repeated query_arg', { hash_on: 'query_arg', hash_on_query_arg: 'k' }, { query: 'k=b&k=a' }, 'a,b'],
    ['flag query_arg', { hash_on: 'query_arg', hash_on_query_arg: 'k' }, { query: 'k' }, 'true'],
    [
      'uri_capture by name',
      { hash_on: 'uri_capture', hash_on_uri_capture: 'tenant' },
      { uriCaptures: captures },
      'acme',
    ],
    [
      'uri_capture by number',
      { hash_on: 'uri_capture', hash_on_uri_capture: '2' },
      { uriCaptures: captures },
      'second',
    ],
    ['missing uri_capture', { hash_on: 'uri_capture', hash_on_uri_capture: 'x' }, { uriCaptures: captures }, null],
    ['cookie', { hash_on: 'cookie', hash_on_cookie: 'sid' }, { headers: { cookie: 'a=1; sid=xyz' } }, 'xyz'],
  ];

  it.each(cases)('%s', (_name, fields, ctx, expected) => {
    expect(key(fields).compute(context(ctx))).toBe(expected);
  });
});

describe('hash_fallback', () => {
  const fallbacks: [string, JsonObject, Partial<BalancerContext>, string][] = [
    ['ip', { hash_fallback: 'ip' }, { clientIp: '192.0.2.9' }, '192.0.2.9'],
    ['header', { hash_fallback: 'header', hash_fallback_header: 'x-tenant' }, { headers: { 'x-tenant': 't' } }, 't'],
    ['query_arg', { hash_fallback: 'query_arg', hash_fallback_query_arg: 'q' }, { query: 'q=v' }, 'v'],
    [
      'uri_capture',
      { hash_fallback: 'uri_capture', hash_fallback_uri_capture: 'tenant' },
      { uriCaptures: captures },
      'acme',
    ],
    ['path', { hash_fallback: 'path' }, { path: '/p' }, '/p'],
    ['consumer', { hash_on: 'header', hash_on_header: 'x-user', hash_fallback: 'consumer' }, { consumerId: 'c' }, 'c'],
  ];

  it.each(fallbacks)('falls back to %s when hash_on finds nothing', (_name, fields, ctx, expected) => {
    const k = key({ hash_on: 'consumer', ...fields });
    expect(k.compute(context(ctx))).toBe(expected);
  });

  it('uses hash_on first when it has a value', () => {
    const k = key({ hash_on: 'consumer', hash_fallback: 'ip' });
    expect(k.compute(context({ consumerId: 'c-9', clientIp: '192.0.2.1' }))).toBe('c-9');
  });

  it('falls back to a cookie, creating it when absent', () => {
    const k = key({ hash_on: 'header', hash_on_header: 'x-user', hash_fallback: 'cookie', hash_on_cookie: 'sid' });
    expect(k.compute(context({ headers: { cookie: 'sid=abc' } }))).toBe('abc');
    expect(k.createdCookie).toBeNull();
    const created = k.compute(context());
    expect(k.createdCookie).toBe(`sid=${created}; Path=/; SameSite=Lax; HttpOnly`);
  });
});

describe('cookie hashing through the balancer', () => {
  const fields = {
    algorithm: 'consistent-hashing',
    hash_on: 'cookie',
    hash_on_cookie: 'sticky',
    hash_on_cookie_path: '/app',
  };

  it('creates the cookie once per request, and the cookie pins later requests', () => {
    const h = harness(fields);
    h.targets([
      ['10.0.0.1:80', 100],
      ['10.0.0.2:80', 100],
      ['10.0.0.3:80', 100],
    ]);
    const ctx = context();
    const first = h.balancer.pick(ctx);
    if (!first.ok || first.setCookie === null) throw new Error('expected a created cookie');
    const match = /^sticky=([0-9a-f-]{36}); Path=\/app; SameSite=Lax; HttpOnly$/.exec(first.setCookie);
    expect(match).not.toBeNull();
    const retry = h.balancer.pick(ctx, new Set([first.peer.key]));
    expect(retry.ok && retry.setCookie).toBe(first.setCookie);
    for (let i = 0; i < 20; i++) {
      const next = h.balancer.pick(context({ headers: { cookie: `other=1; sticky=${match![1]}` } }));
      expect(next).toEqual({ ok: true, peer: first.peer, setCookie: null });
    }
  });
});

describe('request value parsing', () => {
  it('finds cookies among several, quoted or repeated headers', () => {
    expect(findCookie('a=1; b="two"; c=3', 'b')).toBe('two');
    expect(findCookie('ab=1; b=2', 'b')).toBe('2');
    expect(findCookie(['x=1', 'y=2'], 'y')).toBe('2');
    expect(findCookie('a=1', 'b')).toBeNull();
    expect(findCookie(undefined, 'b')).toBeNull();
  });

  it('decodes query arguments like nginx', () => {
    expect(findQueryArg('a=1&b=x+y', 'b')).toBe('x y');
    expect(findQueryArg('a%20b=1', 'a b')).toBe('1');
    expect(findQueryArg('a=%zz', 'a')).toBe('%zz');
    expect(findQueryArg('a=', 'a')).toBe('');
    expect(findQueryArg('', 'a')).toBeNull();
  });
});

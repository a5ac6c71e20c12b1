import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import type { Entity, JsonObject } from '@gantry/config';
import type { PluginHandler } from '../runtime/plugin-definition';
import type { PluginRequest } from '../runtime/plugin-request';
import {
  checkPluginConfig,
  pluginConfig,
  runAccess,
  runResponse,
  testRequest,
  type TestRequest,
} from '../testing/plugin-harness';
import { createProxyCache, proxyCache } from './handler';
import type { ProxyCacheConfig } from './schema';

const definition = proxyCache;
const JSON_TYPE = { 'content-type': 'application/json' };

class Clock {
  ms = 1_700_000_000_000;
  readonly now = (): number => this.ms;
  advance(seconds: number): void {
    this.ms += seconds * 1000;
  }
}

function cache(config: JsonObject = {}, clock = new Clock(), maxBytes?: number): PluginHandler {
  const c = pluginConfig<ProxyCacheConfig>(definition, { strategy: 'memory', ...config });
  return createProxyCache(c, { now: clock.now, maxBytes });
}

interface Upstream {
  status?: number;
  headers?: IncomingHttpHeaders;
  body?: string;
}

/** A test request over HTTP/1.1 (its request line is part of the key). */
function request(options: TestRequest): PluginRequest {
  const kong = testRequest(options);
  kong.raw.httpVersion = '1.1';
  return kong;
}

/** One request through the cache: access, then (when not answered from cache) the upstream's answer. */
async function exchange(handler: PluginHandler, options: TestRequest = {}, upstream: Upstream = {}) {
  const kong = request(options);
  await runAccess(handler, kong);
  if (kong.exited !== null)
    return { kong, status: kong.exited.status, headers: kong.exited.headers, body: kong.exited.body.toString() };
  const headers = { ...JSON_TYPE, ...(upstream.headers ?? {}) };
  const { view, body } = runResponse(handler, kong, upstream.status ?? 200, headers, upstream.body ?? '{"n":1}');
  return { kong, status: view.status, headers: view.headers, body: body?.toString() };
}

function cacheStatus(kong: PluginRequest): unknown {
  return kong.presetResponseHeaders()['x-cache-status'];
}

describe('proxy-cache config', () => {
  it('requires a strategy and fills Kong defaults', () => {
    expect(checkPluginConfig(definition, {})).toEqual({
      ok: false,
      errors: { config: { strategy: 'required field missing' } },
    });
    const check = checkPluginConfig(definition, { strategy: 'memory' });
    expect(check.ok && check.config).toEqual({
      response_code: [200, 301, 404],
      request_method: ['GET', 'HEAD'],
      content_type: ['text/plain', 'application/json'],
      cache_ttl: 300,
      strategy: 'memory',
      cache_control: false,
      ignore_uri_case: false,
      storage_ttl: null,
      memory: { dictionary_name: 'kong_db_cache' },
      vary_query_params: null,
      vary_headers: null,
      response_headers: { Age: true, 'X-Cache-Status': true, 'X-Cache-Key': true },
    });
  });

  it('refuses other strategies and bad values, naming the field', () => {
    expect(checkPluginConfig(definition, { strategy: 'redis' })).toEqual({
      ok: false,
      errors: { config: { strategy: 'expected one of: memory' } },
    });
    expect(checkPluginConfig(definition, { strategy: 'memory', response_code: [] })).toEqual({
      ok: false,
      errors: { config: { response_code: 'length must be at least 1' } },
    });
    expect(checkPluginConfig(definition, { strategy: 'memory', response_code: [99] })).toEqual({
      ok: false,
      errors: { config: { response_code: ['value should be between 100 and 900'] } },
    });
    expect(checkPluginConfig(definition, { strategy: 'memory', request_method: ['DELETE'] })).toEqual({
      ok: false,
      errors: { config: { request_method: ['expected one of: HEAD, GET, POST, PATCH, PUT'] } },
    });
    expect(checkPluginConfig(definition, { strategy: 'memory', cache_ttl: 0 })).toEqual({
      ok: false,
      errors: { config: { cache_ttl: 'value must be greater than 0' } },
    });
  });
});

describe('proxy-cache', () => {
  it('misses, stores, then replays a hit with Age, X-Cache-Status and X-Cache-Key', async () => {
    const clock = new Clock();
    const handler = cache({}, clock);
    const first = await exchange(handler, { url: '/a' }, { headers: { 'x-up': '1', connection: 'close' } });
    expect(cacheStatus(first.kong)).toBe('Miss');
    const key = first.kong.presetResponseHeaders()['x-cache-key'];
    expect(key).toMatch(/^[0-9a-f]{64}$/);

    clock.advance(7);
    const hit = await exchange(handler, { url: '/a' });
    expect(hit.status).toBe(200);
    expect(hit.body).toBe('{"n":1}');
    expect(hit.headers).toEqual({
      'content-type': 'application/json',
      'x-up': '1',
      age: '7',
      'x-cache-status': 'Hit',
      'x-cache-key': key,
    });
    expect(hit.kong.shared.proxy_cache_hit).toBeDefined();
  });

  it('computes the key as Kong does', async () => {
    const handler = cache();
    const plain = await exchange(handler, { url: '/path' });
    const expected = createHash('sha256').update('default|GET|GET /path HTTP/1.1||').digest('hex');
    expect(plain.kong.presetResponseHeaders()['x-cache-key']).toBe(expected);

    const route = { id: 'r1' } as unknown as Entity;
    const withQuery = testRequest({ url: '/path?b=2&a=1&flag', route });
    withQuery.consumer = { id: 'c1' };
    await runAccess(handler, withQuery);
    const expectedQuery = createHash('sha256').update('c1:r1|GET|GET /path|a=1:b=2:flag|').digest('hex');
    expect(withQuery.presetResponseHeaders()['x-cache-key']).toBe(expectedQuery);
  });

  it('varies on configured query parameters and headers only', async () => {
    const handler = cache({ vary_query_params: ['a'], vary_headers: ['X-Tenant'] });
    await exchange(handler, { url: '/v?a=1&b=1', headers: { 'x-tenant': 't1' } });
    expect(
      cacheStatus((await exchange(handler, { url: '/v?b=2&a=1', headers: { 'x-tenant': 't1' } })).kong),
    ).toBeUndefined();
    const otherTenant = await exchange(handler, { url: '/v?a=1', headers: { 'x-tenant': 't2' } });
    expect(cacheStatus(otherTenant.kong)).toBe('Miss');
    const otherA = await exchange(handler, { url: '/v?a=2', headers: { 'x-tenant': 't1' } });
    expect(cacheStatus(otherA.kong)).toBe('Miss');
  });

  it('keys on every query parameter, in any order, by default', async () => {
    const handler = cache();
    await exchange(handler, { url: '/q?a=1&b=2' });
    expect((await exchange(handler, { url: '/q?b=2&a=1' })).headers['x-cache-status']).toBe('Hit');
    expect(cacheStatus((await exchange(handler, { url: '/q?a=1' })).kong)).toBe('Miss');
  });

  it('ignores URI case when asked', async () => {
    const handler = cache({ ignore_uri_case: true });
    await exchange(handler, { url: '/Case' });
    expect((await exchange(handler, { url: '/cASE' })).headers['x-cache-status']).toBe('Hit');
  });

  it('bypasses requests with other methods and responses it may not cache', async () => {
    const handler = cache();
    const post = await exchange(handler, { method: 'POST', url: '/b' });
    expect(cacheStatus(post.kong)).toBe('Bypass');

    const error = await exchange(handler, { url: '/e' }, { status: 500 });
    expect(error.headers['x-cache-status']).toBe('Bypass');
    expect(cacheStatus((await exchange(handler, { url: '/e' })).kong)).toBe('Miss');

    const html = await exchange(handler, { url: '/h' }, { headers: { 'content-type': 'text/html' } });
    expect(html.headers['x-cache-status']).toBe('Bypass');
    const charset = await exchange(
      handler,
      { url: '/c' },
      { headers: { 'content-type': 'application/json; charset=utf-8' } },
    );
    expect(charset.headers['x-cache-status']).toBe('Bypass');
  });

  it('only buffers the body of cacheable responses and stores a copy', async () => {
    const handler = cache();
    const kong = request({ url: '/copy' });
    await runAccess(handler, kong);
    const view = { status: 200, headers: { ...JSON_TYPE }, source: 'upstream' as const };
    handler.response!(kong, view);
    expect(handler.wantsBody!(kong, view)).toBe(true);
    const body = Buffer.from('{"v":1}');
    expect(handler.body!(kong, body, view)).toBe(body);
    body.write('{"v":2}');
    expect((await exchange(handler, { url: '/copy' })).body).toBe('{"v":1}');

    const skipped = request({ url: '/skip' });
    await runAccess(handler, skipped);
    const notCacheable = { status: 201, headers: { ...JSON_TYPE }, source: 'upstream' as const };
    handler.response!(skipped, notCacheable);
    expect(handler.wantsBody!(skipped, notCacheable)).toBe(false);
  });

  it('expires entries after cache_ttl', async () => {
    const clock = new Clock();
    const handler = cache({ cache_ttl: 10 }, clock);
    await exchange(handler, { url: '/ttl' });
    clock.advance(10);
    expect((await exchange(handler, { url: '/ttl' })).headers['x-cache-status']).toBe('Hit');
    clock.advance(1);
    expect(cacheStatus((await exchange(handler, { url: '/ttl' })).kong)).toBe('Miss');
  });

  it('refreshes stale entries kept longer by storage_ttl', async () => {
    const clock = new Clock();
    const handler = cache({ cache_ttl: 10, storage_ttl: 600 }, clock);
    await exchange(handler, { url: '/r' }, { body: '{"v":1}' });
    clock.advance(11);
    const refresh = await exchange(handler, { url: '/r' }, { body: '{"v":2}' });
    expect(cacheStatus(refresh.kong)).toBe('Refresh');
    const hit = await exchange(handler, { url: '/r' });
    expect(hit.body).toBe('{"v":2}');
    expect(hit.headers.age).toBe('0');
  });

  it('drops hop-by-hop and rate-limit-remaining headers from replays', async () => {
    const handler = cache();
    await exchange(
      handler,
      { url: '/hop' },
      {
        headers: {
          'keep-alive': 'timeout=5',
          'x-ratelimit-remaining-minute': '4',
          'content-length': '7',
          'x-keep': 'y',
        },
      },
    );
    const hit = await exchange(handler, { url: '/hop' });
    expect(hit.headers['keep-alive']).toBeUndefined();
    expect(hit.headers['x-ratelimit-remaining-minute']).toBeUndefined();
    expect(hit.headers['content-length']).toBeUndefined();
    expect(hit.headers['x-keep']).toBe('y');
  });

  it('sends diagnostic headers only when configured or asked with Kong-Debug', async () => {
    const handler = cache({ response_headers: { Age: false, 'X-Cache-Status': false, 'X-Cache-Key': false } });
    const miss = await exchange(handler, { url: '/d' });
    expect(miss.kong.presetResponseHeaders()).toEqual({});
    const hit = await exchange(handler, { url: '/d' });
    expect(hit.headers).toEqual({ 'content-type': 'application/json' });
    const debug = await exchange(handler, { url: '/d', headers: { 'kong-debug': '1' } });
    expect(debug.headers['x-cache-status']).toBe('Hit');
    expect(debug.headers.age).toBe('0');
  });

  it('evicts the least recently used entries beyond its size bound', async () => {
    const handler = cache({}, new Clock(), 2000);
    const big = `"${'x'.repeat(600)}"`;
    await exchange(handler, { url: '/1' }, { body: big });
    await exchange(handler, { url: '/2' }, { body: big });
    expect((await exchange(handler, { url: '/1' })).headers['x-cache-status']).toBe('Hit');
    await exchange(handler, { url: '/3' }, { body: big }); // evicts /2, the least recently used
    expect(cacheStatus((await exchange(handler, { url: '/2' }, { body: big })).kong)).toBe('Miss');
    const tooBig = await exchange(handler, { url: '/huge' }, { body: `"${'x'.repeat(5000)}"` });
    expect(cacheStatus(tooBig.kong)).toBe('Miss');
    expect(cacheStatus((await exchange(handler, { url: '/huge' })).kong)).toBe('Miss');
  });

  it('forgets everything when the instance closes', async () => {
    const handler = cache();
    await exchange(handler, { url: '/x' });
    await handler.close!();
    expect(cacheStatus((await exchange(handler, { url: '/x' })).kong)).toBe('Miss');
  });
});

describe('proxy-cache with cache_control', () => {
  it('bypasses requests asking for no-store, no-cache or carrying credentials', async () => {
    const handler = cache({ cache_control: true });
    for (const headers of [
      { 'cache-control': 'no-cache' },
      { 'cache-control': 'no-store' },
      { authorization: 'Basic x' },
    ]) {
      expect(cacheStatus((await exchange(handler, { url: '/cc', headers })).kong)).toBe('Bypass');
    }
  });

  it('caches for the response max-age and refuses private or expired answers', async () => {
    const clock = new Clock();
    const handler = cache({ cache_control: true }, clock);
    const noTtl = await exchange(handler, { url: '/n' });
    expect(noTtl.headers['x-cache-status']).toBe('Bypass');
    const priv = await exchange(handler, { url: '/p' }, { headers: { 'cache-control': 'private, max-age=60' } });
    expect(priv.headers['x-cache-status']).toBe('Bypass');

    await exchange(handler, { url: '/m' }, { headers: { 'cache-control': 'public, max-age=5' } });
    clock.advance(5);
    expect((await exchange(handler, { url: '/m' })).headers['x-cache-status']).toBe('Hit');
    clock.advance(1);
    expect(cacheStatus((await exchange(handler, { url: '/m' })).kong)).toBe('Miss');

    const expires = new Date(clock.ms + 30_000).toUTCString();
    await exchange(handler, { url: '/x' }, { headers: { expires } });
    clock.advance(29);
    expect((await exchange(handler, { url: '/x' })).headers['x-cache-status']).toBe('Hit');
  });

  it('refreshes when the client wants a younger or fresher answer', async () => {
    const clock = new Clock();
    const handler = cache({ cache_control: true }, clock);
    await exchange(handler, { url: '/f' }, { headers: { 'cache-control': 's-maxage=100, max-age=5' } });
    clock.advance(3);
    expect(cacheStatus((await exchange(handler, { url: '/f', headers: { 'cache-control': 'max-age=2' } })).kong)).toBe(
      'Refresh',
    );
    await exchange(handler, { url: '/f' }, { headers: { 'cache-control': 'max-age=100' } });
    clock.advance(50);
    expect(
      cacheStatus((await exchange(handler, { url: '/f', headers: { 'cache-control': 'min-fresh=60' } })).kong),
    ).toBe('Refresh');
    expect(
      (await exchange(handler, { url: '/f', headers: { 'cache-control': 'max-age=60' } })).headers['x-cache-status'],
    ).toBe('Hit');
  });

  it('answers 504 to only-if-cached on a miss', async () => {
    const handler = cache({ cache_control: true });
    const res = await exchange(handler, { url: '/o', headers: { 'cache-control': 'only-if-cached' } });
    expect(res.status).toBe(504);
  });
});

import { describe, expect, it } from '@jest/globals';
import { checkPluginConfig, createHandler, runAccess, runResponse, testRequest } from '../testing/plugin-harness';
import { cors } from './handler';
import { normalizeOrigin } from './origins';

const preflight = (origin = 'https://app.example.com', extra: Record<string, string> = {}) =>
  testRequest({
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', ...extra },
  });

async function answer(config: Record<string, unknown>, origin?: string, upstream: Record<string, string> = {}) {
  const handler = createHandler(cors, config as never);
  const kong = await runAccess(handler, testRequest({ headers: origin === undefined ? {} : { origin } }));
  return runResponse(handler, kong, 200, { ...upstream }).view.headers;
}

describe('cors config', () => {
  it('fills in Kong 3.x defaults', () => {
    const check = checkPluginConfig(cors, {});
    expect(check.ok && check.config).toEqual({
      origins: null,
      headers: null,
      exposed_headers: null,
      methods: ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE', 'OPTIONS', 'TRACE', 'CONNECT'],
      max_age: null,
      credentials: false,
      private_network: false,
      preflight_continue: false,
    });
  });

  it('rejects origins that are not regexes, unknown methods and consumer scoping', () => {
    expect(checkPluginConfig(cors, { origins: ['*', '(bad'] })).toEqual({
      ok: false,
      errors: { config: { origins: [null, "'(bad' is not a valid regex"] } },
    });
    expect(checkPluginConfig(cors, { methods: ['FETCH'] })).toMatchObject({
      ok: false,
      errors: {
        config: { methods: ['expected one of: GET, HEAD, PUT, PATCH, POST, DELETE, OPTIONS, TRACE, CONNECT'] },
      },
    });
    const scoped = checkPluginConfig(cors, {}, { consumer: { id: '00000000-0000-4000-8000-000000000002' } });
    expect(scoped.ok).toBe(false);
  });

  it('refuses origin regexes that could backtrack catastrophically', () => {
    const check = checkPluginConfig(cors, { origins: ['(a+)+b'] });
    expect(check.ok).toBe(false);
    expect(JSON.stringify(check)).toContain('backtrack');
  });
});

describe('cors preflight', () => {
  it('answers 200 with Kong headers, echoing the requested headers', async () => {
    const handler = createHandler(cors, {
      origins: ['https://app.example.com', 'https://other.example.com'],
      max_age: 3600,
    });
    const kong = await runAccess(
      handler,
      preflight('https://app.example.com', { 'access-control-request-headers': 'X-A,X-B' }),
    );
    expect(kong.exited?.status).toBe(200);
    expect(kong.exited?.body.length).toBe(0);
    expect(kong.exited?.headers).toEqual({
      vary: 'Origin',
      'access-control-allow-origin': 'https://app.example.com',
      'access-control-allow-headers': 'X-A,X-B',
      'access-control-allow-methods': 'GET,HEAD,PUT,PATCH,POST,DELETE,OPTIONS,TRACE,CONNECT',
      'access-control-max-age': '3600',
    });
    // The response phase leaves the preflight answer alone.
    const view = { status: 200, headers: { ...kong.exited!.headers } as never, source: 'exit' as const };
    handler.response?.(kong, view);
    expect(view.headers).toEqual(kong.exited?.headers);
  });

  it('allows any origin with * and lists the configured headers and methods', async () => {
    const handler = createHandler(cors, { headers: ['Authorization', 'X-Id'], methods: ['GET', 'POST'] });
    const kong = await runAccess(handler, preflight());
    expect(kong.exited?.headers).toEqual({
      'access-control-allow-origin': '*',
      'access-control-allow-headers': 'Authorization,X-Id',
      'access-control-allow-methods': 'GET,POST',
    });
  });

  it('omits Allow-Origin for an origin that is not allowed', async () => {
    const handler = createHandler(cors, { origins: ['https://a.example.com', 'https://b.example.com'] });
    const kong = await runAccess(handler, preflight('https://evil.example.net'));
    expect(kong.exited?.status).toBe(200);
    expect(kong.exited?.headers['access-control-allow-origin']).toBeUndefined();
    expect(kong.exited?.headers.vary).toBe('Origin');
  });

  it('allows private network access only when configured and asked', async () => {
    const asked = { 'access-control-request-private-network': 'true' };
    const off = await runAccess(createHandler(cors, {}), preflight(undefined, asked));
    expect(off.exited?.headers['access-control-allow-private-network']).toBeUndefined();
    const on = createHandler(cors, { private_network: true });
    expect((await runAccess(on, preflight(undefined, asked))).exited?.headers).toMatchObject({
      'access-control-allow-private-network': 'true',
    });
    expect((await runAccess(on, preflight())).exited?.headers['access-control-allow-private-network']).toBeUndefined();
  });

  it('hands the preflight to the upstream with preflight_continue, adding nothing', async () => {
    const handler = createHandler(cors, { preflight_continue: true });
    const kong = await runAccess(handler, preflight());
    expect(kong.exited).toBeNull();
    expect(runResponse(handler, kong, 204, { allow: 'GET' }).view.headers).toEqual({ allow: 'GET' });
  });

  it('is not a preflight without Access-Control-Request-Method', async () => {
    const handler = createHandler(cors, {});
    const kong = await runAccess(handler, testRequest({ method: 'OPTIONS', headers: { origin: 'https://x.io' } }));
    expect(kong.exited).toBeNull();
    expect(runResponse(handler, kong, 200).view.headers['access-control-allow-origin']).toBe('*');
  });
});

describe('cors on responses', () => {
  it('adds Allow-Origin *, without Vary, by default', async () => {
    expect(await answer({}, 'https://x.io')).toEqual({ 'access-control-allow-origin': '*' });
  });

  it('sends a single plain origin as configured, with Vary: Origin', async () => {
    expect(await answer({ origins: ['https://app.example.com'] }, 'https://other.io')).toEqual({
      'access-control-allow-origin': 'https://app.example.com',
      vary: 'Origin',
    });
  });

  it('matches regex origins anchored, by host when the regex has no colon', async () => {
    const config = { origins: ['.*\\.example\\.com', 'https://static\\d\\.cdn\\.io'] };
    expect((await answer(config, 'https://api.example.com'))['access-control-allow-origin']).toBe(
      'https://api.example.com',
    );
    expect((await answer(config, 'https://api.example.com.evil.io'))['access-control-allow-origin']).toBeUndefined();
    expect((await answer(config, 'https://static1.cdn.io:443'))['access-control-allow-origin']).toBe(
      'https://static1.cdn.io',
    );
    expect((await answer(config, 'http://static1.cdn.io'))['access-control-allow-origin']).toBeUndefined();
  });

  it('compares plain origins normalised (default ports dropped)', async () => {
    const config = { origins: ['https://a.io:443', 'http://b.io:8080'] };
    expect((await answer(config, 'https://a.io'))['access-control-allow-origin']).toBe('https://a.io');
    expect((await answer(config, 'http://b.io:8080'))['access-control-allow-origin']).toBe('http://b.io:8080');
    expect((await answer(config, 'http://b.io'))['access-control-allow-origin']).toBeUndefined();
  });

  it('removes an upstream Allow-Origin for an origin that is not allowed, and adds to its Vary', async () => {
    const headers = await answer({ origins: ['https://a.io', 'https://b.io'] }, 'https://c.io', {
      'access-control-allow-origin': '*',
      vary: 'Accept-Encoding',
    });
    expect(headers).toEqual({ vary: 'Accept-Encoding, Origin' });
  });

  it('allows credentials, echoing the origin instead of *', async () => {
    expect(await answer({ credentials: true }, 'https://x.io')).toEqual({
      'access-control-allow-origin': 'https://x.io',
      'access-control-allow-credentials': 'true',
      vary: 'Origin',
    });
    expect(await answer({ credentials: true })).toEqual({ 'access-control-allow-origin': '*' });
    expect(await answer({ credentials: true, origins: ['https://a.io'] }, 'https://a.io')).toMatchObject({
      'access-control-allow-credentials': 'true',
    });
  });

  it('treats * among other origins as allowing all', async () => {
    expect(await answer({ origins: ['https://a.io', '*'] }, 'https://z.io')).toEqual({
      'access-control-allow-origin': '*',
    });
  });

  it('exposes the configured headers', async () => {
    expect(await answer({ exposed_headers: ['X-Total', 'X-Page'] }, 'https://x.io')).toMatchObject({
      'access-control-expose-headers': 'X-Total,X-Page',
    });
  });
});

describe('normalizeOrigin', () => {
  it('keeps scheme, host and non-default port', () => {
    expect(normalizeOrigin('https://a.io:443/path')).toEqual({ domain: 'https://a.io', host: 'a.io' });
    expect(normalizeOrigin('http://[::1]:8080')).toEqual({ domain: 'http://[::1]:8080', host: '[::1]' });
    expect(normalizeOrigin('null')).toEqual({ domain: 'null', host: 'null' });
  });
});

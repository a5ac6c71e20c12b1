import { createHash, createHmac } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from '@jest/globals';
import type { Entity, JsonObject } from '@gantry/config';
import type { PluginDefinition } from '../runtime/plugin-definition';
import {
  checkPluginConfig,
  createHandler,
  directoryWith,
  exitJson,
  runAccess,
  testEnvironment,
  testRequest,
  type TestRequest,
} from '../testing/plugin-harness';
import { createHmacAuthHandler, hmacAuth } from './handler';
import { parseHmacAuthorization } from './hmac-authorization';
import { parseHttpDate } from './http-date';
import type { HmacAuthConfig } from './schema';

const NOW_MS = Date.UTC(2024, 0, 15, 12, 0, 0);
const DATE = new Date(NOW_MS).toUTCString();
const definition: PluginDefinition<HmacAuthConfig> = {
  ...hmacAuth,
  create: (config, env) => createHmacAuthHandler(config, env, () => NOW_MS),
};
const def = definition as PluginDefinition<never>;

const bob: Entity = { id: 'c0000000-0000-4000-8000-000000000001', username: 'bob' };
const anon: Entity = { id: 'c0000000-0000-4000-8000-000000000002', username: 'anonymous' };
const credential: Entity = {
  id: 'h0000000-0000-4000-8000-000000000001',
  username: 'alice',
  secret: 'secret',
  consumer: { id: bob.id },
};

function env() {
  return testEnvironment({ consumers: directoryWith({ consumers: [bob, anon], hmacauth_credentials: [credential] }) });
}

function sign(text: string, algorithm = 'hmac-sha256', secret = 'secret'): string {
  return createHmac(algorithm.slice(5), secret).update(text).digest('base64');
}

function authorization(signature: string, headers = 'date', algorithm = 'hmac-sha256', username = 'alice') {
  return `hmac username="${username}", algorithm="${algorithm}", headers="${headers}", signature="${signature}"`;
}

function signed(extra: IncomingHttpHeaders = {}, options: TestRequest = {}) {
  return testRequest({
    ...options,
    headers: { date: DATE, authorization: authorization(sign(`date: ${DATE}`)), ...extra },
  });
}

async function run(config: JsonObject, kong = signed()) {
  return runAccess(createHandler(def, config, env()), kong);
}

describe('hmac-auth config', () => {
  it('fills in Kong defaults', () => {
    expect(checkPluginConfig(def, {})).toMatchObject({
      ok: true,
      config: {
        hide_credentials: false,
        clock_skew: 300,
        anonymous: null,
        validate_request_body: false,
        enforce_headers: [],
        algorithms: ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512'],
        realm: null,
      },
    });
  });

  it('rejects Kong-shaped errors', () => {
    expect(checkPluginConfig(def, { clock_skew: 0 })).toEqual({
      ok: false,
      errors: { config: { clock_skew: 'value must be greater than 0' } },
    });
    expect(checkPluginConfig(def, { algorithms: ['hmac-md5'] })).toEqual({
      ok: false,
      errors: { config: { algorithms: ['expected one of: hmac-sha1, hmac-sha256, hmac-sha384, hmac-sha512'] } },
    });
  });
});

describe('hmac-auth', () => {
  it('authenticates a signed request and identifies the credential by username', async () => {
    const kong = await run({});
    expect(kong.exited).toBeNull();
    expect(kong.consumer?.id).toBe(bob.id);
    expect(kong.headers['x-credential-identifier']).toBe('alice');
    expect(kong.headers.authorization).toBeDefined();
  });

  for (const algorithm of ['hmac-sha1', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512']) {
    it(`verifies ${algorithm}`, async () => {
      const value = authorization(sign(`date: ${DATE}`, algorithm), 'date', algorithm);
      expect((await run({}, testRequest({ headers: { date: DATE, authorization: value } }))).consumer?.id).toBe(bob.id);
    });
  }

  it('signs request-line, @request-target, x-date and missing headers as Kong does', async () => {
    const text = [
      `x-date: ${DATE}`,
      'content-md5: md5',
      'GET /request?a=1&b=2 HTTP/1.1',
      '@request-target: get /request?a=1&b=2',
      'x-absent:',
    ].join('\n');
    const value = authorization(sign(text), 'x-date content-md5 request-line @request-target x-absent');
    const kong = testRequest({
      url: '/request?a=1&b=2',
      headers: { 'x-date': DATE, 'content-md5': 'md5', 'proxy-authorization': value, authorization: 'hello' },
    });
    Object.assign(kong.raw, { httpVersionMajor: 1, httpVersionMinor: 1, httpVersion: '1.1' });
    expect((await run({}, kong)).consumer?.id).toBe(bob.id);
  });

  it('prefers Proxy-Authorization and hides the header it used', async () => {
    const value = authorization(sign(`date: ${DATE}`));
    const viaProxy = testRequest({ headers: { date: DATE, 'proxy-authorization': value, authorization: 'keep' } });
    await run({ hide_credentials: true }, viaProxy);
    expect(viaProxy.consumer?.id).toBe(bob.id);
    expect(viaProxy.headers['proxy-authorization']).toBeUndefined();
    expect(viaProxy.headers.authorization).toBe('keep');

    const viaAuthorization = signed({ 'proxy-authorization': 'not hmac' });
    await run({ hide_credentials: true }, viaAuthorization);
    expect(viaAuthorization.consumer?.id).toBe(bob.id);
    expect(viaAuthorization.headers.authorization).toBeUndefined();
  });

  describe('refusals', () => {
    function refused(kong: Awaited<ReturnType<typeof run>>, message: string, challenge = 'hmac') {
      expect(kong.exited?.status).toBe(401);
      expect(exitJson(kong)).toEqual({ message, request_id: 'test-request-id' });
      expect(kong.exited?.headers['www-authenticate']).toBe(challenge);
    }

    it('answers "Unauthorized" without credentials, naming the realm', async () => {
      refused(await run({}, testRequest({ headers: { date: DATE } })), 'Unauthorized');
      refused(
        await run({ realm: 'test-realm' }, testRequest({ headers: { date: DATE } })),
        'Unauthorized',
        'hmac realm="test-realm"',
      );
    });

    it('requires a Date or X-Date within the clock skew', async () => {
      const message =
        'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication';
      refused(await run({}, signed({ date: undefined })), message);
      refused(await run({}, signed({ date: 'yesterday' })), message);
      const old = new Date(NOW_MS - 301_000).toUTCString();
      refused(await run({}, signed({ date: old })), message);
      const edge = new Date(NOW_MS - 300_000).toUTCString();
      const ok = testRequest({ headers: { date: edge, authorization: authorization(sign(`date: ${edge}`)) } });
      expect((await run({}, ok)).consumer?.id).toBe(bob.id);
      const shortSkew = await run({ clock_skew: 10 }, testRequest({ headers: { date: edge, authorization: 'x' } }));
      refused(shortSkew, message);
    });

    it('answers "HMAC signature cannot be verified" for bad parameters or unknown users', async () => {
      const sig = sign(`date: ${DATE}`);
      for (const value of [
        'asd',
        'hmac username',
        `hmac algorithm="hmac-sha256", headers="date", signature="${sig}"`,
        `hmac username="", algorithm="hmac-sha256", headers="date", signature="${sig}"`,
        authorization(sig, 'date', 'hmac-sha256', 'nobody'),
        authorization(sig, 'date', 'hmac-md5'),
      ]) {
        refused(
          await run({}, testRequest({ headers: { date: DATE, authorization: value } })),
          'HMAC signature cannot be verified',
        );
      }
      refused(await run({ algorithms: ['hmac-sha1'] }), 'HMAC signature cannot be verified');
      refused(await run({ enforce_headers: ['date', 'request-line'] }), 'HMAC signature cannot be verified');
    });

    it('answers "HMAC signature does not match" for a wrong or undecodable signature', async () => {
      refused(await run({}, signed({ authorization: authorization(sign('other')) })), 'HMAC signature does not match');
      refused(
        await run({}, signed({ authorization: authorization('not base64!!!') })),
        'HMAC signature does not match',
      );
      const wrongSecret = authorization(sign(`date: ${DATE}`, 'hmac-sha256', 'nope'));
      refused(await run({}, signed({ authorization: wrongSecret })), 'HMAC signature does not match');
    });
  });

  describe('validate_request_body', () => {
    const body = '{"a":1}';
    const digest = `SHA-256=${createHash('sha256').update(body).digest('base64')}`;

    it('accepts a body matching its Digest', async () => {
      const kong = await run({ validate_request_body: true }, signed({ digest }, { method: 'POST', body }));
      expect(kong.consumer?.id).toBe(bob.id);
    });

    it('refuses a body not matching, or a body without Digest', async () => {
      const wrong = await run({ validate_request_body: true }, signed({ digest }, { method: 'POST', body: '{}' }));
      expect(exitJson(wrong)).toMatchObject({ message: 'HMAC signature does not match' });
      const missing = await run({ validate_request_body: true }, signed({}, { method: 'POST', body }));
      expect(exitJson(missing)).toMatchObject({ message: 'HMAC signature does not match' });
      const empty = await run({ validate_request_body: true }, signed({}, { method: 'GET' }));
      expect(empty.consumer?.id).toBe(bob.id);
    });
  });

  describe('anonymous', () => {
    it('falls back to the anonymous consumer', async () => {
      const kong = await run({ anonymous: 'anonymous' }, testRequest());
      expect(kong.consumer?.id).toBe(anon.id);
      expect(kong.headers['x-anonymous-consumer']).toBe('true');
    });

    it('answers 500 when the anonymous consumer does not exist', async () => {
      await expect(run({ anonymous: 'ghost' }, testRequest())).rejects.toMatchObject({ status: 500 });
    });
  });
});

describe('parseHmacAuthorization', () => {
  it('reads the four parameters with or without spaces', () => {
    expect(parseHmacAuthorization('hmac username="u",algorithm="a",headers="x  y",signature="s"')).toEqual({
      username: 'u',
      algorithm: 'a',
      headers: ['x', '', 'y'],
      signature: 's',
    });
    expect(parseHmacAuthorization('Hmac username="u", algorithm="a",   headers="h", signature="s=="')).toMatchObject({
      signature: 's==',
    });
  });

  it('lets each value extend as far as a greedy match would', () => {
    const value = 'hmac username="a",algorithm="b",algorithm="c",headers="d",signature="e",signature="f"';
    expect(parseHmacAuthorization(value)).toEqual({
      username: 'a",algorithm="b',
      algorithm: 'c',
      headers: ['d",signature="e'],
      signature: 'f',
    });
  });

  it('needs every parameter non-empty and in order', () => {
    expect(parseHmacAuthorization('hmac username="u", headers="h", algorithm="a", signature="s"')).toBeNull();
    expect(parseHmacAuthorization('hmac username="u", algorithm="a", headers="h", signature=""')).toBeNull();
  });

  it('stays fast on crafted input', () => {
    const crafted = `hmac username="${'",algorithm="x'.repeat(2000)}${'",headers="y'.repeat(2000)}`;
    expect(parseHmacAuthorization(crafted)).toBeNull();
  });
});

describe('parseHttpDate', () => {
  it('reads the three HTTP date forms', () => {
    const t = Date.UTC(1994, 10, 6, 8, 49, 37) / 1000;
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT')).toBe(t);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(t);
    expect(parseHttpDate('1994-11-06T08:49:37Z')).toBeNull();
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Entity } from '@gantry/config';
import { ConsumerDirectory } from '../runtime/consumer-directory';
import { PluginError } from '../runtime/errors';
import {
  checkPluginConfig,
  createHandler,
  directoryWith,
  exitJson,
  runAccess,
  testEnvironment,
  testRequest,
} from '../testing/plugin-harness';
import { keyAuth } from './handler';

const definition = keyAuth;
const bob: Entity = { id: 'c0000000-0000-4000-8000-000000000001', username: 'bob', custom_id: 'b-1' };
const anon: Entity = { id: 'c0000000-0000-4000-8000-000000000002', username: 'anonymous' };
const credential: Entity = { id: 'k0000000-0000-4000-8000-000000000001', key: 'secret-key', consumer: { id: bob.id } };

function env() {
  return testEnvironment({ consumers: directoryWith({ consumers: [bob, anon], keyauth_credentials: [credential] }) });
}

describe('key-auth', () => {
  it('fills in Kong defaults', () => {
    const check = checkPluginConfig(definition, {});
    expect(check).toMatchObject({
      ok: true,
      config: {
        key_names: ['apikey'],
        hide_credentials: false,
        anonymous: null,
        key_in_header: true,
        key_in_query: true,
        key_in_body: false,
        run_on_preflight: true,
        realm: null,
      },
    });
  });

  it('rejects a bad key name and a consumer scope', () => {
    expect(checkPluginConfig(definition, { key_names: ['bad name'] })).toEqual({
      ok: false,
      errors: {
        config: { key_names: ["bad header name 'bad name', allowed characters are A-Z, a-z, 0-9, '_', and '-'"] },
      },
    });
    const scoped = checkPluginConfig(definition, {}, { consumer: { id: bob.id } });
    expect(scoped.ok).toBe(false);
  });

  it('authenticates a key from the header and sets the consumer headers', async () => {
    const kong = await runAccess(
      createHandler(definition, {}, env()),
      testRequest({ headers: { apikey: 'secret-key' } }),
    );
    expect(kong.exited).toBeNull();
    expect(kong.consumer?.id).toBe(bob.id);
    expect(kong.headers['x-consumer-id']).toBe(bob.id);
    expect(kong.headers['x-consumer-username']).toBe('bob');
    expect(kong.headers['x-consumer-custom-id']).toBe('b-1');
    expect(kong.headers['x-credential-identifier']).toBe(credential.id);
    expect(kong.headers['x-anonymous-consumer']).toBeUndefined();
    expect(kong.headers.apikey).toBe('secret-key');
  });

  it('authenticates a key from the query string', async () => {
    const kong = await runAccess(createHandler(definition, {}, env()), testRequest({ url: '/?apikey=secret-key' }));
    expect(kong.consumer?.id).toBe(bob.id);
  });

  it('answers 401 "No API key found in request" with a Key challenge', async () => {
    const kong = await runAccess(createHandler(definition, {}, env()), testRequest());
    expect(kong.exited?.status).toBe(401);
    expect(exitJson(kong)).toEqual({ message: 'No API key found in request', request_id: 'test-request-id' });
    expect(kong.exited?.headers['www-authenticate']).toBe('Key');
  });

  it('names the realm in the challenge when configured', async () => {
    const kong = await runAccess(createHandler(definition, { realm: 'kong' }, env()), testRequest());
    expect(kong.exited?.headers['www-authenticate']).toBe('Key realm="kong"');
  });

  it('answers 401 "Unauthorized" for an unknown key', async () => {
    const kong = await runAccess(createHandler(definition, {}, env()), testRequest({ headers: { apikey: 'nope' } }));
    expect(kong.exited?.status).toBe(401);
    expect(exitJson(kong)).toEqual({ message: 'Unauthorized', request_id: 'test-request-id' });
    expect(kong.exited?.headers['www-authenticate']).toBe('Key');
  });

  it('answers 401 "Duplicate API key found" for a key given twice', async () => {
    const handler = createHandler(definition, {}, env());
    const viaQuery = await runAccess(handler, testRequest({ url: '/?apikey=a&apikey=b' }));
    expect(exitJson(viaQuery)).toMatchObject({ message: 'Duplicate API key found' });
    const req = testRequest({ headers: { apikey: 'a, b' } });
    req.raw.rawHeaders.push('apikey', 'a', 'APIKEY', 'b');
    expect(exitJson(await runAccess(handler, req))).toMatchObject({ message: 'Duplicate API key found' });
    const single = testRequest({ headers: { apikey: 'a, b' } });
    single.raw.rawHeaders.push('apikey', 'a, b');
    expect(exitJson(await runAccess(handler, single))).toMatchObject({ message: 'Unauthorized' });
  });

  it('treats an empty key as missing', async () => {
    const kong = await runAccess(createHandler(definition, {}, env()), testRequest({ url: '/?apikey=' }));
    expect(exitJson(kong)).toMatchObject({ message: 'No API key found in request' });
  });

  it('looks only where it is told to', async () => {
    const handler = createHandler(definition, { key_in_header: false }, env());
    const header = await runAccess(handler, testRequest({ headers: { apikey: 'secret-key' } }));
    expect(exitJson(header)).toMatchObject({ message: 'No API key found in request' });
    const noQuery = createHandler(definition, { key_in_query: false }, env());
    const query = await runAccess(noQuery, testRequest({ url: '/?apikey=secret-key' }));
    expect(query.exited?.status).toBe(401);
  });

  it('tries each key name in order, headers case-insensitively', async () => {
    const handler = createHandler(definition, { key_names: ['X_Api_Key', 'token'] }, env());
    const kong = await runAccess(handler, testRequest({ headers: { 'x-api-key': 'secret-key' } }));
    expect(kong.consumer?.id).toBe(bob.id);
    const second = await runAccess(handler, testRequest({ url: '/?token=secret-key' }));
    expect(second.consumer?.id).toBe(bob.id);
  });

  it('hides the key from the header and the query string', async () => {
    const handler = createHandler(definition, { hide_credentials: true }, env());
    const viaHeader = await runAccess(handler, testRequest({ headers: { apikey: 'secret-key' } }));
    expect(viaHeader.headers.apikey).toBeUndefined();
    const viaQuery = await runAccess(handler, testRequest({ url: '/?a=1&apikey=secret-key&b=2' }));
    expect(viaQuery.consumer?.id).toBe(bob.id);
    expect(viaQuery.upstreamQuery).toBe('a=1&b=2');
  });

  describe('key_in_body', () => {
    const config = { key_in_body: true, hide_credentials: true };

    it('reads a form-urlencoded body and hides the key from it', async () => {
      const kong = await runAccess(
        createHandler(definition, config, env()),
        testRequest({
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'a=1&apikey=secret-key&b=x%20y',
        }),
      );
      expect(kong.consumer?.id).toBe(bob.id);
      expect(kong.upstreamBody?.toString()).toBe('a=1&b=x%20y');
      expect(kong.headers['content-length']).toBe('11');
    });

    it('reads a JSON body', async () => {
      const kong = await runAccess(
        createHandler(definition, config, env()),
        testRequest({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apikey: 'secret-key', keep: true }),
        }),
      );
      expect(kong.consumer?.id).toBe(bob.id);
      expect(JSON.parse(kong.upstreamBody!.toString())).toEqual({ keep: true });
    });

    it('refuses a JSON object as a key', async () => {
      const kong = await runAccess(
        createHandler(definition, config, env()),
        testRequest({
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ apikey: ['a', 'b'] }),
        }),
      );
      expect(exitJson(kong)).toMatchObject({ message: 'Duplicate API key found' });
    });

    it('reads a multipart body and cuts the key part out', async () => {
      const body =
        '--XyZ\r\nContent-Disposition: form-data; name="keep"\r\n\r\nvalue\r\n' +
        '--XyZ\r\nContent-Disposition: form-data; name="apikey"\r\n\r\nsecret-key\r\n' +
        '--XyZ--\r\n';
      const kong = await runAccess(
        createHandler(definition, config, env()),
        testRequest({ method: 'POST', headers: { 'content-type': 'multipart/form-data; boundary=XyZ' }, body }),
      );
      expect(kong.consumer?.id).toBe(bob.id);
      expect(kong.upstreamBody?.toString()).toBe(
        '--XyZ\r\nContent-Disposition: form-data; name="keep"\r\n\r\nvalue\r\n--XyZ--\r\n',
      );
    });

    it('ignores a body it cannot parse', async () => {
      const kong = await runAccess(
        createHandler(definition, config, env()),
        testRequest({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' }),
      );
      expect(exitJson(kong)).toMatchObject({ message: 'No API key found in request' });
    });

    it('does not read the body when the key is elsewhere and nothing is hidden', async () => {
      const kong = await runAccess(
        createHandler(definition, { key_in_body: true }, env()),
        testRequest({ method: 'POST', headers: { apikey: 'secret-key', 'content-type': 'text/plain' }, body: 'x' }),
      );
      expect(kong.consumer?.id).toBe(bob.id);
      expect(kong.bodyBuffered).toBe(false);
    });
  });

  it('does not find expired keys', async () => {
    const expiring = { ...credential, ttl: 10, created_at: 1000 };
    const consumers = new ConsumerDirectory({ now: () => 1_011_000 });
    consumers.load({ consumers: [bob], keyauth_credentials: [expiring] });
    const kong = await runAccess(
      createHandler(definition, {}, testEnvironment({ consumers })),
      testRequest({ headers: { apikey: 'secret-key' } }),
    );
    expect(exitJson(kong)).toMatchObject({ message: 'Unauthorized' });
  });

  it('skips OPTIONS requests unless run_on_preflight', async () => {
    const skip = createHandler(definition, { run_on_preflight: false }, env());
    expect((await runAccess(skip, testRequest({ method: 'OPTIONS' }))).exited).toBeNull();
    const run = createHandler(definition, {}, env());
    expect((await runAccess(run, testRequest({ method: 'OPTIONS' }))).exited?.status).toBe(401);
  });

  describe('anonymous', () => {
    it('falls back to the anonymous consumer, by id or username', async () => {
      for (const anonymous of [anon.id, 'anonymous']) {
        const kong = await runAccess(createHandler(definition, { anonymous }, env()), testRequest());
        expect(kong.exited).toBeNull();
        expect(kong.consumer?.id).toBe(anon.id);
        expect(kong.anonymous).toBe(true);
        expect(kong.headers['x-anonymous-consumer']).toBe('true');
        expect(kong.headers['x-credential-identifier']).toBeUndefined();
      }
    });

    it('uses the real credential when it is valid', async () => {
      const kong = await runAccess(
        createHandler(definition, { anonymous: anon.id }, env()),
        testRequest({ headers: { apikey: 'secret-key', 'x-anonymous-consumer': 'true' } }),
      );
      expect(kong.consumer?.id).toBe(bob.id);
      expect(kong.headers['x-anonymous-consumer']).toBeUndefined();
    });

    it('leaves a request another plugin authenticated alone (logical OR)', async () => {
      const kong = testRequest();
      kong.authenticate(anon, { id: 'other-credential' });
      await runAccess(createHandler(definition, { anonymous: anon.id }, env()), kong);
      expect(kong.exited).toBeNull();
      expect(kong.credential?.id).toBe('other-credential');
    });

    it('still checks when the earlier consumer is only anonymous', async () => {
      const kong = testRequest({ headers: { apikey: 'secret-key' } });
      kong.authenticate(anon, null, true);
      await runAccess(createHandler(definition, { anonymous: anon.id }, env()), kong);
      expect(kong.consumer?.id).toBe(bob.id);
    });

    it('answers 500 when the anonymous consumer does not exist', async () => {
      const handler = createHandler(definition, { anonymous: 'ghost' }, env());
      await expect(runAccess(handler, testRequest())).rejects.toMatchObject({
        status: 500,
        message: 'An unexpected error occurred',
      });
      await expect(runAccess(handler, testRequest())).rejects.toBeInstanceOf(PluginError);
    });
  });
});

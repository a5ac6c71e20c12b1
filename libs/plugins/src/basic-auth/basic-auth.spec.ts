import { describe, expect, it } from '@jest/globals';
import { hashPassword, type Entity } from '@gantry/config';
import {
  checkPluginConfig,
  createHandler,
  directoryWith,
  exitJson,
  runAccess,
  testEnvironment,
  testRequest,
} from '../testing/plugin-harness';
import { parseBasicAuthorization } from './basic-credentials';
import { basicAuth } from './handler';
import { PasswordCheck } from './password-check';

const definition = basicAuth;
const bob: Entity = { id: 'c0000000-0000-4000-8000-000000000001', username: 'bob' };
const anon: Entity = { id: 'c0000000-0000-4000-8000-000000000002', username: 'no-body' };
const storedHash = hashPassword('kong');
const credential: Entity = {
  id: 'b0000000-0000-4000-8000-000000000001',
  username: 'user123',
  password: storedHash,
  consumer: { id: bob.id },
};

function env() {
  return testEnvironment({ consumers: directoryWith({ consumers: [bob, anon], basicauth_credentials: [credential] }) });
}

function basic(userPassword: string): string {
  return `Basic ${Buffer.from(userPassword).toString('base64')}`;
}

describe('basic-auth', () => {
  it('fills in Kong defaults and refuses a consumer scope', () => {
    expect(checkPluginConfig(definition, {})).toMatchObject({
      ok: true,
      config: { anonymous: null, hide_credentials: false, realm: 'service' },
    });
    expect(checkPluginConfig(definition, { hide_credentials: 'yes' })).toEqual({
      ok: false,
      errors: { config: { hide_credentials: 'expected a boolean' } },
    });
    expect(checkPluginConfig(definition, {}, { consumer: { id: bob.id } }).ok).toBe(false);
  });

  it('authenticates from Authorization and identifies the credential by username', async () => {
    const kong = await runAccess(
      createHandler(definition, {}, env()),
      testRequest({ headers: { authorization: basic('user123:kong') } }),
    );
    expect(kong.exited).toBeNull();
    expect(kong.consumer?.id).toBe(bob.id);
    expect(kong.headers['x-consumer-username']).toBe('bob');
    expect(kong.headers['x-credential-identifier']).toBe('user123');
    expect(kong.headers.authorization).toBe(basic('user123:kong'));
  });

  it('authenticates from Proxy-Authorization, preferring it', async () => {
    const kong = await runAccess(
      createHandler(definition, {}, env()),
      testRequest({ headers: { 'proxy-authorization': basic('user123:kong'), authorization: 'Bearer x' } }),
    );
    expect(kong.consumer?.id).toBe(bob.id);
  });

  it('answers 401 "Unauthorized" with the realm challenge', async () => {
    const handler = createHandler(definition, {}, env());
    for (const headers of [
      {},
      { authorization: 'foobar' },
      { 'proxy-authorization': 'foobar' },
      { authorization: 'Basic a29uZw==' },
      { authorization: basic('user123:wrong') },
      { authorization: basic('nobody:kong') },
      { authorization: 'Basic !!!' },
    ]) {
      const kong = await runAccess(handler, testRequest({ headers }));
      expect(kong.exited?.status).toBe(401);
      expect(exitJson(kong)).toEqual({ message: 'Unauthorized', request_id: 'test-request-id' });
      expect(kong.exited?.headers['www-authenticate']).toBe('Basic realm="service"');
    }
    const realm = await runAccess(createHandler(definition, { realm: 'test-realm' }, env()), testRequest());
    expect(realm.exited?.headers['www-authenticate']).toBe('Basic realm="test-realm"');
  });

  it('hides the credentials from the upstream', async () => {
    const kong = await runAccess(
      createHandler(definition, { hide_credentials: true }, env()),
      testRequest({ headers: { authorization: basic('user123:kong') } }),
    );
    expect(kong.consumer?.id).toBe(bob.id);
    expect(kong.headers.authorization).toBeUndefined();
  });

  it('verifies once, then answers from the cache synchronously', async () => {
    const handler = createHandler(definition, {}, env());
    const first = testRequest({ headers: { authorization: basic('user123:kong') } });
    const pending = handler.access!(first);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(first.consumer?.id).toBe(bob.id);

    const second = testRequest({ headers: { authorization: basic('user123:kong') } });
    expect(handler.access!(second)).toBeUndefined();
    expect(second.consumer?.id).toBe(bob.id);

    const wrong = testRequest({ headers: { authorization: basic('user123:other') } });
    const refused = handler.access!(wrong);
    expect(refused).toBeInstanceOf(Promise);
    await refused;
    expect(wrong.exited?.status).toBe(401);
  });

  describe('anonymous', () => {
    it('falls back to the anonymous consumer by id or username', async () => {
      for (const anonymous of [anon.id, 'no-body']) {
        const kong = await runAccess(createHandler(definition, { anonymous }, env()), testRequest());
        expect(kong.consumer?.id).toBe(anon.id);
        expect(kong.headers['x-anonymous-consumer']).toBe('true');
        expect(kong.headers['x-credential-identifier']).toBeUndefined();
      }
    });

    it('keeps a real credential over the anonymous one', async () => {
      const kong = await runAccess(
        createHandler(definition, { anonymous: anon.id }, env()),
        testRequest({ headers: { authorization: basic('user123:kong') } }),
      );
      expect(kong.consumer?.id).toBe(bob.id);
      expect(kong.headers['x-anonymous-consumer']).toBeUndefined();
    });

    it('skips a request already authenticated with a credential', async () => {
      const kong = testRequest({ headers: { authorization: basic('user123:wrong') } });
      kong.authenticate(anon, { id: 'key-credential' });
      await runAccess(createHandler(definition, { anonymous: anon.id }, env()), kong);
      expect(kong.exited).toBeNull();
      expect(kong.credential?.id).toBe('key-credential');
    });

    it('answers 500 when the anonymous consumer does not exist', async () => {
      await expect(
        runAccess(
          createHandler(definition, { anonymous: 'c0000000-0000-4000-8000-00000000dead' }, env()),
          testRequest(),
        ),
      ).rejects.toMatchObject({ status: 500, message: 'An unexpected error occurred' });
    });
  });
});

describe('parseBasicAuthorization', () => {
  it('reads Kong-style values', () => {
    expect(parseBasicAuthorization(basic('a:b:c'))).toEqual({ username: 'a', password: 'b:c' });
    expect(parseBasicAuthorization(basic('a:'))).toEqual({ username: 'a', password: '' });
    expect(parseBasicAuthorization(`x ${basic('a:b')}`)).toEqual({ username: 'a', password: 'b' });
    expect(parseBasicAuthorization(basic(':a:b'))).toEqual({ username: 'a', password: 'b' });
    expect(parseBasicAuthorization(basic('nocolon'))).toBeNull();
    expect(parseBasicAuthorization('Basic a')).toBeNull();
  });
});

describe('PasswordCheck', () => {
  it('never matches an entry made for another hash or credential', async () => {
    const check = new PasswordCheck();
    expect(await check.check('id-1', storedHash, 'kong')).toBe(true);
    expect(check.check('id-1', storedHash, 'kong')).toBe(true);
    const otherHash = hashPassword('kong');
    expect(check.check('id-1', otherHash, 'kong')).toBeInstanceOf(Promise);
    expect(check.check('id-2', storedHash, 'kong')).toBeInstanceOf(Promise);
    expect(await check.check('id-1', storedHash, 'nope')).toBe(false);
    expect(await check.check('id-1', 'not-a-hash', 'kong')).toBe(false);
  });

  it('does not remember failures and stays within its bound', async () => {
    const check = new PasswordCheck(2);
    await check.check('id-1', storedHash, 'bad-1');
    await check.check('id-1', storedHash, 'bad-2');
    expect(check.size).toBe(0);
    await check.check('id-1', storedHash, 'kong');
    await check.check('id-2', storedHash, 'kong');
    await check.check('id-3', storedHash, 'kong');
    expect(check.size).toBe(2);
  });

  it('shares a verification already running', async () => {
    const check = new PasswordCheck();
    const running = check.check('id-1', storedHash, 'kong');
    expect(check.check('id-1', storedHash, 'kong')).toBe(running);
    await running;
  });
});

import { describe, expect, it } from '@jest/globals';
import type { Entity, JsonObject } from '@gantry/config';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import type { PluginDefinition } from '../runtime/plugin-definition';
import {
  checkPluginConfig,
  createHandler,
  directoryWith,
  exitJson,
  runAccess,
  testEnvironment,
  testRequest,
} from '../testing/plugin-harness';
import { createJwtHandler, jwt } from './handler';
import type { JwtConfig } from './schema';

const NOW_S = 1_700_000_000;
/** The plugin with its clock fixed at NOW_S. */
const definition: PluginDefinition<JwtConfig> = {
  ...jwt,
  create: (config, env) => createJwtHandler(config, env, () => NOW_S * 1000),
};
const def = definition as PluginDefinition<never>;

const bob: Entity = { id: 'c0000000-0000-4000-8000-000000000001', username: 'bob' };
const anon: Entity = { id: 'c0000000-0000-4000-8000-000000000002', username: 'anonymous' };
const SECRET = 'a-very-secret-hmac-secret';

function credential(key: string, fields: JsonObject): Entity {
  return { id: `j-${key}`, key, consumer: { id: bob.id }, ...fields };
}

function env(credentials: Entity[]) {
  return testEnvironment({ consumers: directoryWith({ consumers: [bob, anon], jwt_secrets: credentials }) });
}

const hsCredential = credential('hs-issuer', { algorithm: 'HS256', secret: SECRET });

function hsToken(claims: JsonObject, alg = 'HS256', secret = SECRET, header: JsonObject = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg, ...header }).sign(new TextEncoder().encode(secret));
}

function bearer(token: string) {
  return testRequest({ headers: { authorization: `Bearer ${token}` } });
}

async function run(config: JsonObject, credentials: Entity[], kong = testRequest()) {
  return runAccess(createHandler(def, config, env(credentials)), kong);
}

describe('jwt config', () => {
  it('fills in Kong defaults', () => {
    expect(checkPluginConfig(def, {})).toMatchObject({
      ok: true,
      config: {
        uri_param_names: ['jwt'],
        cookie_names: [],
        header_names: ['authorization'],
        key_claim_name: 'iss',
        secret_is_base64: false,
        claims_to_verify: null,
        maximum_expiration: 0,
        anonymous: null,
        run_on_preflight: true,
        realm: null,
      },
    });
  });

  it('rejects Kong-shaped errors', () => {
    expect(checkPluginConfig(def, { maximum_expiration: 31_536_001 })).toEqual({
      ok: false,
      errors: { config: { maximum_expiration: 'value should be between 0 and 31536000' } },
    });
    expect(checkPluginConfig(def, { claims_to_verify: ['iat'] })).toEqual({
      ok: false,
      errors: { config: { claims_to_verify: ['expected one of: exp, nbf'] } },
    });
    const conditional = checkPluginConfig(def, { maximum_expiration: 60, claims_to_verify: ['nbf'] });
    expect(conditional).toMatchObject({
      ok: false,
      errors: { config: { claims_to_verify: 'expected to contain: exp' } },
    });
  });
});

describe('jwt', () => {
  it('authenticates an HS256 token from the Authorization header', async () => {
    const token = await hsToken({ iss: 'hs-issuer' });
    const kong = await run({}, [hsCredential], bearer(token));
    expect(kong.exited).toBeNull();
    expect(kong.consumer?.id).toBe(bob.id);
    expect(kong.headers['x-consumer-username']).toBe('bob');
    expect(kong.headers['x-credential-identifier']).toBe('hs-issuer');
    expect(kong.shared.authenticated_jwt_token).toBe(token);
  });

  it('finds tokens in the query string and in cookies', async () => {
    const token = await hsToken({ iss: 'hs-issuer' });
    const viaQuery = await run({}, [hsCredential], testRequest({ url: `/?jwt=${token}` }));
    expect(viaQuery.consumer?.id).toBe(bob.id);
    const viaCookie = await run(
      { cookie_names: ['Session'] },
      [hsCredential],
      testRequest({ headers: { cookie: `other=1; session=${token}` } }),
    );
    expect(viaCookie.consumer?.id).toBe(bob.id);
  });

  it('reads the key claim from the header when the claims lack it', async () => {
    const token = await hsToken({ sub: 'x' }, 'HS256', SECRET, { kid: 'hs-issuer' });
    const kong = await run({ key_claim_name: 'kid' }, [hsCredential], bearer(token));
    expect(kong.consumer?.id).toBe(bob.id);
  });

  it('accepts a base64 secret when secret_is_base64', async () => {
    const raw = 'raw secret bytes!';
    const cred = credential('b64', { algorithm: 'HS256', secret: Buffer.from(raw).toString('base64') });
    const token = await hsToken({ iss: 'b64' }, 'HS256', raw);
    expect((await run({ secret_is_base64: true }, [cred], bearer(token))).consumer?.id).toBe(bob.id);
  });

  describe('algorithms', () => {
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      it(`verifies ${alg}`, async () => {
        const cred = credential(alg, { algorithm: alg, secret: SECRET });
        const kong = await run({}, [cred], bearer(await hsToken({ iss: alg }, alg)));
        expect(kong.consumer?.id).toBe(bob.id);
      });
    }

    const asymmetric: [string, object?][] = [
      ['RS256'],
      ['RS384'],
      ['RS512'],
      ['PS256'],
      ['ES256'],
      ['ES384'],
      ['ES512'],
      ['EdDSA', { crv: 'Ed25519' }],
    ];
    for (const [alg, options] of asymmetric) {
      it(`verifies ${alg} with the credential's public key`, async () => {
        const { publicKey, privateKey } = await generateKeyPair(alg, options);
        const cred = credential(alg, { algorithm: alg, rsa_public_key: await exportSPKI(publicKey) });
        const token = await new SignJWT({ iss: alg }).setProtectedHeader({ alg }).sign(privateKey);
        expect((await run({}, [cred], bearer(token))).consumer?.id).toBe(bob.id);

        const other = await generateKeyPair(alg, options);
        const forged = await new SignJWT({ iss: alg }).setProtectedHeader({ alg }).sign(other.privateKey);
        expect(exitJson(await run({}, [cred], bearer(forged)))).toEqual({ message: 'Invalid signature' });
      });
    }
  });

  describe('refusals', () => {
    const withError = 'Bearer error="invalid_token"';

    function refused(kong: Awaited<ReturnType<typeof run>>, body: unknown, challenge = withError) {
      expect(kong.exited?.status).toBe(401);
      expect(exitJson(kong)).toEqual(body);
      expect(kong.exited?.headers['www-authenticate']).toBe(challenge);
    }

    it('answers "Unauthorized" without a token', async () => {
      refused(await run({}, [hsCredential]), { message: 'Unauthorized' }, 'Bearer');
      const realm = await run({ realm: 'kong' }, [hsCredential]);
      expect(realm.exited?.headers['www-authenticate']).toBe('Bearer realm="kong"');
    });

    it('answers "Multiple tokens provided"', async () => {
      const a = await hsToken({ iss: 'hs-issuer' });
      const b = await hsToken({ iss: 'hs-issuer', x: 1 });
      const kong = testRequest({ url: `/?jwt=${a}`, headers: { authorization: `Bearer ${b}` } });
      refused(await run({}, [hsCredential], kong), { message: 'Multiple tokens provided' });
      const same = testRequest({ url: `/?jwt=${a}`, headers: { authorization: `Bearer ${a}` } });
      expect((await run({}, [hsCredential], same)).consumer?.id).toBe(bob.id);
    });

    it('answers "Unrecognizable token" for a bare query argument', async () => {
      refused(await run({}, [hsCredential], testRequest({ url: '/?jwt' })), {
        message: 'Unrecognizable token',
      });
    });

    it('answers "Bad token; ..." for undecodable tokens', async () => {
      refused(await run({}, [hsCredential], bearer('not-a-token')), { message: 'Bad token; invalid JSON' });
      const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
      refused(await run({}, [hsCredential], bearer(`${part({ alg: 'none' })}.${part({})}.x`)), {
        message: 'Bad token; invalid alg',
      });
      refused(await run({}, [hsCredential], bearer(`${part({ alg: 'HS256' })}.${part([1])}.x`)), {
        message: 'Bad token; invalid claims',
      });
      refused(await run({}, [hsCredential], bearer(`${part({ alg: 'HS256' })}.${part({})}.a`)), {
        message: 'Bad token; invalid signature',
      });
    });

    it("answers about a missing, empty or unknown 'iss'", async () => {
      refused(await run({}, [hsCredential], bearer(await hsToken({ sub: 'x' }))), {
        message: "No mandatory 'iss' in claims",
      });
      refused(await run({}, [hsCredential], bearer(await hsToken({ iss: '' }))), {
        message: "Invalid 'iss' in claims",
      });
      refused(await run({}, [hsCredential], bearer(await hsToken({ iss: 'who' }))), {
        message: "No credentials found for given 'iss'",
      });
    });

    it('answers "Invalid algorithm" when the token does not use the credential\'s', async () => {
      refused(await run({}, [hsCredential], bearer(await hsToken({ iss: 'hs-issuer' }, 'HS512'))), {
        message: 'Invalid algorithm',
      });
    });

    it('answers "Invalid key/secret" for a secret that is not base64', async () => {
      const cred = credential('bad64', { algorithm: 'HS256', secret: 'not base64!' });
      refused(await run({ secret_is_base64: true }, [cred], bearer(await hsToken({ iss: 'bad64' }))), {
        message: 'Invalid key/secret',
      });
    });

    it('answers "Invalid signature" for a token signed with another secret', async () => {
      refused(await run({}, [hsCredential], bearer(await hsToken({ iss: 'hs-issuer' }, 'HS256', 'other'))), {
        message: 'Invalid signature',
      });
    });

    it('answers with the claim errors, as Kong does', async () => {
      const verify = { claims_to_verify: ['exp', 'nbf'] };
      const expired = await hsToken({ iss: 'hs-issuer', exp: NOW_S, nbf: NOW_S });
      refused(await run(verify, [hsCredential], bearer(expired)), { exp: 'token expired' });
      const early = await hsToken({ iss: 'hs-issuer', exp: NOW_S + 60, nbf: NOW_S + 1 });
      refused(await run(verify, [hsCredential], bearer(early)), { nbf: 'token not valid yet' });
      const strings = await hsToken({ iss: 'hs-issuer', exp: 'soon' });
      refused(await run(verify, [hsCredential], bearer(strings)), {
        exp: 'must be a number',
        nbf: 'must be a number',
      });
      const fine = await hsToken({ iss: 'hs-issuer', exp: NOW_S + 1, nbf: NOW_S });
      expect((await run(verify, [hsCredential], bearer(fine))).consumer?.id).toBe(bob.id);
    });

    it('enforces maximum_expiration', async () => {
      const config = { claims_to_verify: ['exp'], maximum_expiration: 60 };
      const long = await hsToken({ iss: 'hs-issuer', exp: NOW_S + 61 });
      refused(await run(config, [hsCredential], bearer(long)), { exp: 'exceeds maximum allowed expiration' });
      const short = await hsToken({ iss: 'hs-issuer', exp: NOW_S + 60 });
      expect((await run(config, [hsCredential], bearer(short))).consumer?.id).toBe(bob.id);
    });
  });

  it('skips OPTIONS requests unless run_on_preflight', async () => {
    expect((await run({ run_on_preflight: false }, [], testRequest({ method: 'OPTIONS' }))).exited).toBeNull();
    expect((await run({}, [], testRequest({ method: 'OPTIONS' }))).exited?.status).toBe(401);
  });

  describe('anonymous', () => {
    it('falls back to the anonymous consumer on any failure', async () => {
      const kong = await run({ anonymous: 'anonymous' }, [hsCredential], bearer('garbage'));
      expect(kong.exited).toBeNull();
      expect(kong.consumer?.id).toBe(anon.id);
      expect(kong.headers['x-anonymous-consumer']).toBe('true');
    });

    it('does not run when another plugin already authenticated with a credential', async () => {
      const kong = testRequest();
      kong.authenticate(bob, { id: 'key-credential' });
      await run({ anonymous: anon.id }, [hsCredential], kong);
      expect(kong.credential?.id).toBe('key-credential');
    });

    it('answers 500 when the anonymous consumer does not exist', async () => {
      await expect(run({ anonymous: 'ghost' }, [hsCredential])).rejects.toMatchObject({ status: 500 });
    });
  });

  it('uses the new secret once a credential is replaced', async () => {
    const environment = env([hsCredential]);
    const handler = createHandler(def, {}, environment);
    const oldToken = await hsToken({ iss: 'hs-issuer' });
    expect((await runAccess(handler, bearer(oldToken))).consumer?.id).toBe(bob.id);
    const rotated = { ...hsCredential, secret: 'rotated-secret' };
    environment.consumers.apply([
      { op: 'update', kind: 'jwt_secrets', key: rotated.id, before: hsCredential, after: rotated },
    ]);
    expect(exitJson(await runAccess(handler, bearer(oldToken)))).toEqual({ message: 'Invalid signature' });
    const newToken = await hsToken({ iss: 'hs-issuer' }, 'HS256', 'rotated-secret');
    expect((await runAccess(handler, bearer(newToken))).consumer?.id).toBe(bob.id);
  });

  it('keeps the real clock in the bundled definition', () => {
    expect(jwt.create).not.toBe(definition.create);
    expect(createHandler(jwt as PluginDefinition<never>, {}).access).toBeDefined();
  });
});

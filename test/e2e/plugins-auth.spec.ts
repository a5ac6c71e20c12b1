/**
 * The authentication plugins (key-auth, basic-auth, jwt, hmac-auth, acl) through the Admin API and a real proxy
 * replica (real Kafka and Cassandra): Kong's refusals (status, JSON body, `WWW-Authenticate`), the consumer
 * headers the upstream receives, `hide_credentials`, the `anonymous` fallback, and credentials written the ways
 * Kong clients write them (generated keys, TTLs, hashed passwords, decK-style PUTs with client-made ids).
 */
import { createHmac, generateKeyPairSync, randomUUID, sign, type KeyObject } from 'node:crypto';
import type { OutgoingHttpHeaders } from 'node:http';
import type { AdminClient } from '../conformance/admin/client';
import { GantryCluster } from '../support/gantry-cluster';
import { http, type HttpAnswer } from '../support/http-client';
import { UpstreamServer, startUpstreams, type Echo } from '../support/upstream-server';

jest.setTimeout(120_000);

const cluster = new GantryCluster();
let admin: AdminClient;
let upstream: UpstreamServer;

type Json = Record<string, unknown>;

/** Consumers and credentials made in `beforeAll`, by role. */
const made = {
  alice: {} as Json,
  bob: {} as Json,
  anon: {} as Json,
  aliceKey: {} as Json,
  aliceBasic: {} as Json,
};

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const HS_SECRET = 'alice-jwt-secret-0123456789abcdef';
const HMAC_SECRET = 'alice-hmac-secret';

async function created(path: string, body: Json): Promise<Json> {
  const answer = await admin.post(path, body);
  expect({ path, status: answer.status, body: answer.body }).toMatchObject({ status: 201 });
  return answer.body as Json;
}

/** A route `/<name>` on the echo service, with `plugins` attached to it. */
async function routeWith(name: string, plugins: { name: string; config?: Json }[]): Promise<void> {
  await created('/services/echo/routes', { name, paths: [`/${name}`] });
  for (const plugin of plugins) await created(`/routes/${name}/plugins`, plugin);
}

function call(path: string, headers: OutgoingHttpHeaders = {}, method = 'GET'): Promise<HttpAnswer> {
  return http(cluster.proxies[0].url, path, { headers, method });
}

/** What the upstream received, after checking the proxy let the request through. */
async function passed(path: string, headers: OutgoingHttpHeaders = {}): Promise<Echo> {
  const answer = await call(path, headers);
  expect({ path, status: answer.status, body: answer.text }).toMatchObject({ status: 200 });
  return answer.json as Echo;
}

/** A refusal through `kong.response.error`: Kong's `{message, request_id}` body and the challenge. */
function expectRefusal(answer: HttpAnswer, status: number, message: string, challenge?: string): void {
  expect({ status: answer.status, body: answer.json as unknown }).toEqual({
    status,
    body: { message, request_id: expect.any(String) },
  });
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(answer.headers['www-authenticate']).toBe(challenge);
}

function expectConsumer(echo: Echo, consumer: Json, credentialIdentifier: string | undefined): void {
  expect(echo.headers['x-consumer-id']).toBe(consumer.id);
  expect(echo.headers['x-consumer-username']).toBe(consumer.username);
  expect(echo.headers['x-consumer-custom-id']).toBe(consumer.custom_id ?? undefined);
  expect(echo.headers['x-credential-identifier']).toBe(credentialIdentifier);
  expect(echo.headers['x-anonymous-consumer']).toBeUndefined();
}

function expectAnonymous(echo: Echo): void {
  expect(echo.headers['x-anonymous-consumer']).toBe('true');
  expect(echo.headers['x-consumer-id']).toBe(made.anon.id);
  expect(echo.headers['x-consumer-username']).toBe('anon');
  expect(echo.headers['x-credential-identifier']).toBeUndefined();
}

function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;
}

const b64url = (data: string | Buffer): string => Buffer.from(data).toString('base64url');

/**
 * A compact JWS made with node:crypto, so the test does not trust the library the plugin verifies with. `key` is
 * the HS256 secret or the RS256 / ES256 private key.
 */
function jwt(alg: 'HS256' | 'RS256' | 'ES256', claims: Json, key: string | KeyObject): string {
  const input = `${b64url(JSON.stringify({ alg, typ: 'JWT' }))}.${b64url(JSON.stringify(claims))}`;
  const data = Buffer.from(input);
  let signature: Buffer;
  if (typeof key === 'string') signature = createHmac('sha256', key).update(data).digest();
  else signature = sign('sha256', data, alg === 'ES256' ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${b64url(signature)}`;
}

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Headers for an hmac-auth request signed over `date` and the request line, as a Kong client signs it: each
 * listed header as `name: value` and `request-line` as `GET /path HTTP/1.1`, joined by newlines.
 */
function hmacSigned(path: string, secret: string, username = 'alice-hmac'): OutgoingHttpHeaders {
  const date = new Date().toUTCString();
  const signingString = `date: ${date}\nGET ${path} HTTP/1.1`;
  const signature = createHmac('sha256', secret).update(signingString).digest('base64');
  return {
    date,
    authorization: `hmac username="${username}", algorithm="hmac-sha256", headers="date request-line", signature="${signature}"`,
  };
}

beforeAll(async () => {
  [upstream] = await startUpstreams('auth-up');
  admin = await cluster.startAdmin();
  await cluster.startProxy();

  made.alice = await created('/consumers', { username: 'alice', custom_id: 'alice-cid' });
  made.bob = await created('/consumers', { username: 'bob' });
  made.anon = await created('/consumers', { username: 'anon' });
  made.aliceKey = await created('/consumers/alice/key-auth', { key: 'alice-key' });
  made.aliceBasic = await created('/consumers/alice/basic-auth', { username: 'alice-basic', password: 'alice-pass' });
  await created('/consumers/alice/jwt', { key: 'alice-iss', secret: HS_SECRET });
  await created('/consumers/bob/jwt', {
    key: 'bob-rs',
    algorithm: 'RS256',
    rsa_public_key: rsa.publicKey.export({ type: 'spki', format: 'pem' }),
  });
  await created('/consumers/bob/jwt', {
    key: 'bob-es',
    algorithm: 'ES256',
    rsa_public_key: ec.publicKey.export({ type: 'spki', format: 'pem' }),
  });
  await created('/consumers/alice/hmac-auth', { username: 'alice-hmac', secret: HMAC_SECRET });
  await created('/consumers/bob/key-auth', { key: 'bob-key' });
  await created('/consumers/alice/acls', { group: 'gold' });
  await created('/consumers/alice/acls', { group: 'staff' });
  await created('/consumers/bob/acls', { group: 'silver' });

  await created('/services', { name: 'echo', url: upstream.url });
  await routeWith('key', [{ name: 'key-auth' }]);
  await routeWith('key-realm', [{ name: 'key-auth', config: { realm: 'gantry' } }]);
  await routeWith('key-hidden', [{ name: 'key-auth', config: { hide_credentials: true } }]);
  await routeWith('key-anon', [{ name: 'key-auth', config: { anonymous: 'anon' } }]);
  await routeWith('basic', [{ name: 'basic-auth' }]);
  await routeWith('basic-hidden', [{ name: 'basic-auth', config: { hide_credentials: true, realm: 'gantry' } }]);
  await routeWith('basic-anon', [{ name: 'basic-auth', config: { anonymous: made.anon.id } }]);
  await routeWith('jwt', [{ name: 'jwt', config: { claims_to_verify: ['exp'] } }]);
  await routeWith('jwt-anon', [{ name: 'jwt', config: { anonymous: 'anon' } }]);
  await routeWith('hmac', [{ name: 'hmac-auth' }]);
  await routeWith('hmac-hidden', [{ name: 'hmac-auth', config: { hide_credentials: true } }]);
  await routeWith('hmac-anon', [{ name: 'hmac-auth', config: { anonymous: 'anon' } }]);
  await routeWith('acl-allow', [{ name: 'key-auth' }, { name: 'acl', config: { allow: ['gold'] } }]);
  await routeWith('acl-deny', [{ name: 'key-auth' }, { name: 'acl', config: { deny: ['gold'] } }]);
  await routeWith('acl-hidden', [
    { name: 'key-auth' },
    { name: 'acl', config: { allow: ['gold'], hide_groups_header: true } },
  ]);
  await routeWith('acl-anon', [
    { name: 'key-auth', config: { anonymous: 'anon' } },
    { name: 'acl', config: { allow: ['gold'] } },
  ]);
  await routeWith('acl-alone', [{ name: 'acl', config: { allow: ['gold'] } }]);
  await cluster.converge();
});

afterAll(async () => {
  await cluster.stop();
  await upstream?.close();
});

describe('key-auth', () => {
  it('refuses a request without a key or with an unknown one, with the Key challenge', async () => {
    expectRefusal(await call('/key'), 401, 'No API key found in request', 'Key');
    expectRefusal(await call('/key', { apikey: 'nope' }), 401, 'Unauthorized', 'Key');
    expectRefusal(await call('/key?apikey=nope'), 401, 'Unauthorized', 'Key');
    expectRefusal(await call('/key-realm'), 401, 'No API key found in request', 'Key realm="gantry"');
  });

  it('accepts the key in a header or in the query and sends the consumer headers upstream', async () => {
    const fromHeader = await passed('/key', { apikey: 'alice-key' });
    expectConsumer(fromHeader, made.alice, String(made.aliceKey.id));
    expect(fromHeader.headers.apikey).toBe('alice-key');
    const fromQuery = await passed('/key?apikey=alice-key&x=1');
    expectConsumer(fromQuery, made.alice, String(made.aliceKey.id));
    expect(fromQuery.url).toBe('/?apikey=alice-key&x=1');
    // bob has no custom_id: no X-Consumer-Custom-ID.
    const bob = await passed('/key', { apikey: 'bob-key' });
    expect(bob.headers['x-consumer-username']).toBe('bob');
    expect(bob.headers['x-consumer-custom-id']).toBeUndefined();
  });

  it('strips forged consumer headers', async () => {
    const echo = await passed('/key', {
      apikey: 'alice-key',
      'x-consumer-username': 'mallory',
      'x-consumer-custom-id': 'forged',
      'x-anonymous-consumer': 'true',
    });
    expectConsumer(echo, made.alice, String(made.aliceKey.id));
  });

  it('hides the key from the upstream with hide_credentials, in the header and in the query', async () => {
    const fromHeader = await passed('/key-hidden', { apikey: 'alice-key' });
    expect(fromHeader.headers.apikey).toBeUndefined();
    expect(fromHeader.headers['x-consumer-username']).toBe('alice');
    const fromQuery = await passed('/key-hidden?apikey=alice-key&x=1');
    expect(fromQuery.url).toBe('/?x=1');
    expect(fromQuery.headers['x-consumer-username']).toBe('alice');
  });

  it('falls back to the anonymous consumer, and a real key still wins', async () => {
    expectAnonymous(await passed('/key-anon'));
    expectAnonymous(await passed('/key-anon', { apikey: 'nope' }));
    expectConsumer(await passed('/key-anon', { apikey: 'alice-key' }), made.alice, String(made.aliceKey.id));
  });

  it('accepts a key the Admin API generated when none was given', async () => {
    const credential = await created('/consumers/bob/key-auth', {});
    expect(credential.key).toEqual(expect.any(String));
    expect(String(credential.key).length).toBeGreaterThanOrEqual(16);
    await cluster.converge();
    const echo = await passed('/key', { apikey: String(credential.key) });
    expectConsumer(echo, made.bob, String(credential.id));
  });

  it('stops accepting a key once its ttl has passed', async () => {
    // ttl 3 leaves at least 2 s of validity (created_at has second precision) for the first check.
    const credential = await created('/consumers/bob/key-auth', { key: 'short-lived', ttl: 3 });
    await cluster.converge();
    expect((await call('/key', { apikey: 'short-lived' })).status).toBe(200);
    const expiresAt = (Number(credential.created_at) + 3) * 1000;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, expiresAt - Date.now()) + 300));
    expectRefusal(await call('/key', { apikey: 'short-lived' }), 401, 'Unauthorized', 'Key');
  });

  it('works with a credential and a plugin written decK-style, by PUT with client-made ids', async () => {
    const consumerId = randomUUID();
    const credentialId = randomUUID();
    const pluginId = randomUUID();
    const consumer = await admin.put(`/consumers/${consumerId}`, { username: 'deck' });
    expect([consumer.status, consumer.body?.id]).toEqual([200, consumerId]);
    const credential = await admin.put(`/consumers/${consumerId}/key-auth/${credentialId}`, { key: 'deck-key' });
    expect([credential.status, credential.body?.id]).toEqual([200, credentialId]);
    const route = await admin.put('/routes/deck', { service: { name: 'echo' }, paths: ['/deck'] });
    expect(route.status).toBe(200);
    const plugin = await admin.put(`/plugins/${pluginId}`, {
      name: 'key-auth',
      route: { id: route.body.id },
      config: { key_names: ['x-deck-key'], hide_credentials: true },
    });
    expect([plugin.status, plugin.body?.id]).toEqual([200, pluginId]);
    expect(plugin.body.config).toMatchObject({ key_names: ['x-deck-key'], key_in_query: true, anonymous: null });
    await cluster.converge();

    expectRefusal(await call('/deck', { apikey: 'deck-key' }), 401, 'No API key found in request', 'Key');
    const echo = await passed('/deck', { 'x-deck-key': 'deck-key' });
    expect(echo.headers['x-consumer-id']).toBe(consumerId);
    expect(echo.headers['x-consumer-username']).toBe('deck');
    expect(echo.headers['x-credential-identifier']).toBe(credentialId);
    expect(echo.headers['x-deck-key']).toBeUndefined();
  });
});

describe('basic-auth', () => {
  it('stores the password hashed, never as given', async () => {
    const credential = await admin.get(`/consumers/alice/basic-auth/${String(made.aliceBasic.id)}`);
    expect(credential.status).toBe(200);
    expect(credential.body.username).toBe('alice-basic');
    expect(typeof credential.body.password).toBe('string');
    expect(credential.body.password).not.toBe('alice-pass');
    expect(credential.body.password).not.toContain('alice-pass');
    expect(made.aliceBasic.password).not.toBe('alice-pass');
  });

  it('refuses a missing header, an unknown user and a wrong password with the Basic challenge', async () => {
    expectRefusal(await call('/basic'), 401, 'Unauthorized', 'Basic realm="service"');
    expectRefusal(
      await call('/basic', { authorization: basic('nobody', 'alice-pass') }),
      401,
      'Unauthorized',
      'Basic realm="service"',
    );
    expectRefusal(
      await call('/basic', { authorization: basic('alice-basic', 'wrong') }),
      401,
      'Unauthorized',
      'Basic realm="service"',
    );
  });

  it('accepts the right password, again from the cache, and identifies the credential by username', async () => {
    for (let i = 0; i < 2; i++) {
      const echo = await passed('/basic', { authorization: basic('alice-basic', 'alice-pass') });
      expectConsumer(echo, made.alice, 'alice-basic');
      expect(echo.headers.authorization).toBe(basic('alice-basic', 'alice-pass'));
    }
    // A wrong password is still refused after the right one was remembered.
    expect((await call('/basic', { authorization: basic('alice-basic', 'alice-pas') })).status).toBe(401);
  });

  it('accepts Proxy-Authorization and hides the header used with hide_credentials', async () => {
    const viaProxy = await passed('/basic-hidden', { 'proxy-authorization': basic('alice-basic', 'alice-pass') });
    expect(viaProxy.headers['proxy-authorization']).toBeUndefined();
    expect(viaProxy.headers['x-consumer-username']).toBe('alice');
    const plain = await passed('/basic-hidden', { authorization: basic('alice-basic', 'alice-pass') });
    expect(plain.headers.authorization).toBeUndefined();
    expectRefusal(await call('/basic-hidden'), 401, 'Unauthorized', 'Basic realm="gantry"');
  });

  it('falls back to the anonymous consumer named by id', async () => {
    expectAnonymous(await passed('/basic-anon'));
    expectAnonymous(await passed('/basic-anon', { authorization: basic('alice-basic', 'wrong') }));
    expectConsumer(
      await passed('/basic-anon', { authorization: basic('alice-basic', 'alice-pass') }),
      made.alice,
      'alice-basic',
    );
  });
});

describe('jwt', () => {
  /** jwt answers with `kong.response.exit`: the body is exactly Kong's, with no request id. */
  function expectJwtRefusal(answer: HttpAnswer, body: Json, challenge: string): void {
    expect({ status: answer.status, body: answer.json as unknown }).toEqual({ status: 401, body });
    expect(answer.headers['www-authenticate']).toBe(challenge);
  }
  const invalidToken = 'Bearer error="invalid_token"';
  const later = (): number => nowSeconds() + 600;

  it('accepts an HS256 token signed with the credential secret, from the header or the query', async () => {
    const token = jwt('HS256', { iss: 'alice-iss', exp: later() }, HS_SECRET);
    const echo = await passed('/jwt', { authorization: `Bearer ${token}` });
    expectConsumer(echo, made.alice, 'alice-iss');
    expect(echo.headers.authorization).toBe(`Bearer ${token}`);
    expectConsumer(await passed(`/jwt?jwt=${token}`), made.alice, 'alice-iss');
  });

  it('accepts RS256 and ES256 tokens checked with the credential public key', async () => {
    const rs = jwt('RS256', { iss: 'bob-rs', exp: later() }, rsa.privateKey);
    expectConsumer(await passed('/jwt', { authorization: `Bearer ${rs}` }), made.bob, 'bob-rs');
    const es = jwt('ES256', { iss: 'bob-es', exp: later() }, ec.privateKey);
    expectConsumer(await passed('/jwt', { authorization: `Bearer ${es}` }), made.bob, 'bob-es');
    // Signed by another key pair: refused.
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const forged = jwt('ES256', { iss: 'bob-es', exp: later() }, other.privateKey);
    expectJwtRefusal(
      await call('/jwt', { authorization: `Bearer ${forged}` }),
      { message: 'Invalid signature' },
      invalidToken,
    );
  });

  it('refuses a missing token, a wrong signature, an expired token and an unknown issuer as Kong does', async () => {
    expectJwtRefusal(await call('/jwt'), { message: 'Unauthorized' }, 'Bearer');
    const wrong = jwt('HS256', { iss: 'alice-iss', exp: later() }, 'not-the-secret');
    expectJwtRefusal(
      await call('/jwt', { authorization: `Bearer ${wrong}` }),
      { message: 'Invalid signature' },
      invalidToken,
    );
    const expired = jwt('HS256', { iss: 'alice-iss', exp: nowSeconds() - 60 }, HS_SECRET);
    expectJwtRefusal(
      await call('/jwt', { authorization: `Bearer ${expired}` }),
      { exp: 'token expired' },
      invalidToken,
    );
    const stranger = jwt('HS256', { iss: 'nobody', exp: later() }, HS_SECRET);
    expectJwtRefusal(
      await call('/jwt', { authorization: `Bearer ${stranger}` }),
      { message: "No credentials found for given 'iss'" },
      invalidToken,
    );
    // An RS256 credential refuses an HS256 token.
    const confused = jwt('HS256', { iss: 'bob-rs', exp: later() }, HS_SECRET);
    expectJwtRefusal(
      await call('/jwt', { authorization: `Bearer ${confused}` }),
      { message: 'Invalid algorithm' },
      invalidToken,
    );
    expectJwtRefusal(
      await call('/jwt', { authorization: 'Bearer not.a-token' }),
      { message: 'Bad token; invalid JSON' },
      invalidToken,
    );
  });

  it('falls back to the anonymous consumer', async () => {
    expectAnonymous(await passed('/jwt-anon'));
    const wrong = jwt('HS256', { iss: 'alice-iss' }, 'not-the-secret');
    expectAnonymous(await passed('/jwt-anon', { authorization: `Bearer ${wrong}` }));
    const good = jwt('HS256', { iss: 'alice-iss' }, HS_SECRET);
    expectConsumer(await passed('/jwt-anon', { authorization: `Bearer ${good}` }), made.alice, 'alice-iss');
  });
});

describe('hmac-auth', () => {
  it('accepts a request signed over date and request-line with hmac-sha256', async () => {
    const headers = hmacSigned('/hmac?x=1', HMAC_SECRET);
    const echo = await passed('/hmac?x=1', headers);
    expectConsumer(echo, made.alice, 'alice-hmac');
    expect(echo.headers.authorization).toBe(headers.authorization);
  });

  it('accepts a signature over x-date and @request-target', async () => {
    const xDate = new Date().toUTCString();
    const signingString = `x-date: ${xDate}\n@request-target: get /hmac`;
    const signature = createHmac('sha512', HMAC_SECRET).update(signingString).digest('base64');
    const echo = await passed('/hmac', {
      'x-date': xDate,
      authorization: `hmac username="alice-hmac", algorithm="hmac-sha512", headers="x-date @request-target", signature="${signature}"`,
    });
    expectConsumer(echo, made.alice, 'alice-hmac');
  });

  it('refuses missing credentials, a missing or stale date and a bad signature as Kong does', async () => {
    expectRefusal(await call('/hmac'), 401, 'Unauthorized', 'hmac');
    const signed = hmacSigned('/hmac', HMAC_SECRET);
    const noDate = { authorization: signed.authorization };
    expectRefusal(
      await call('/hmac', noDate),
      401,
      'HMAC signature cannot be verified, a valid date or x-date header is required for HMAC Authentication',
      'hmac',
    );
    const stale = { ...signed, date: new Date(Date.now() - 3_600_000).toUTCString() };
    expect((await call('/hmac', stale)).status).toBe(401);
    const badSignature = hmacSigned('/hmac', 'not-the-secret');
    expectRefusal(await call('/hmac', badSignature), 401, 'HMAC signature does not match', 'hmac');
    // Signed for another path: the request line differs.
    expectRefusal(await call('/hmac', hmacSigned('/other', HMAC_SECRET)), 401, 'HMAC signature does not match', 'hmac');
    const unknownUser = hmacSigned('/hmac', HMAC_SECRET, 'nobody');
    expectRefusal(await call('/hmac', unknownUser), 401, 'HMAC signature cannot be verified', 'hmac');
    const garbage = { date: signed.date, authorization: 'hmac nonsense' };
    expectRefusal(await call('/hmac', garbage), 401, 'HMAC signature cannot be verified', 'hmac');
  });

  it('hides the Authorization header with hide_credentials', async () => {
    const echo = await passed('/hmac-hidden', hmacSigned('/hmac-hidden', HMAC_SECRET));
    expect(echo.headers.authorization).toBeUndefined();
    expect(echo.headers['x-consumer-username']).toBe('alice');
  });

  it('falls back to the anonymous consumer', async () => {
    expectAnonymous(await passed('/hmac-anon'));
    expectAnonymous(await passed('/hmac-anon', hmacSigned('/hmac-anon', 'not-the-secret')));
    expectConsumer(await passed('/hmac-anon', hmacSigned('/hmac-anon', HMAC_SECRET)), made.alice, 'alice-hmac');
  });
});

describe('acl', () => {
  const groupsOf = (echo: Echo): string[] =>
    String(echo.headers['x-consumer-groups'])
      .split(', ')
      .sort((a, b) => a.localeCompare(b));

  it('lets an allowed consumer through with its groups, and refuses the others with 403', async () => {
    const echo = await passed('/acl-allow', { apikey: 'alice-key', 'x-consumer-groups': 'forged' });
    expect(groupsOf(echo)).toEqual(['gold', 'staff']);
    expectConsumer(echo, made.alice, String(made.aliceKey.id));
    expectRefusal(await call('/acl-allow', { apikey: 'bob-key' }), 403, 'You cannot consume this service');
    // The auth plugin runs first: no key is its 401.
    expectRefusal(await call('/acl-allow'), 401, 'No API key found in request', 'Key');
  });

  it('refuses a denied consumer and lets the others through', async () => {
    expectRefusal(await call('/acl-deny', { apikey: 'alice-key' }), 403, 'You cannot consume this service');
    expect((await passed('/acl-deny', { apikey: 'bob-key' })).headers['x-consumer-groups']).toBe('silver');
  });

  it('follows group changes made through /consumers/{c}/acls', async () => {
    const membership = await created('/consumers/bob/acls', { group: 'gold' });
    await cluster.converge();
    const echo = await passed('/acl-allow', { apikey: 'bob-key' });
    expect(groupsOf(echo)).toEqual(['gold', 'silver']);
    expect((await admin.delete(`/consumers/bob/acls/${String(membership.id)}`)).status).toBe(204);
    await cluster.converge();
    expectRefusal(await call('/acl-allow', { apikey: 'bob-key' }), 403, 'You cannot consume this service');
  });

  it('hides the groups header with hide_groups_header, forged ones included', async () => {
    const echo = await passed('/acl-hidden', { apikey: 'alice-key', 'x-consumer-groups': 'forged' });
    expect(echo.headers['x-consumer-groups']).toBeUndefined();
  });

  it('checks the anonymous consumer groups, and answers 401 when nobody was identified', async () => {
    expectRefusal(await call('/acl-anon'), 403, 'You cannot consume this service');
    expect(groupsOf(await passed('/acl-anon', { apikey: 'alice-key' }))).toEqual(['gold', 'staff']);
    expectRefusal(await call('/acl-alone'), 401, 'Unauthorized');
  });
});

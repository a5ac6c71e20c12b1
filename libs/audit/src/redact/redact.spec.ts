import type { Entity } from '@gantry/config';
import { diffEntitySegments } from '../diff/entity-diff';
import { redactAt, redactEntity, redactFieldChanges } from './redact';
import { REDACTED } from './secret-fields';

const id = '6a3f5f0e-7f7e-4a0c-9d8b-0d2a4c1b2e3f';
const consumer = { id: '1b1c4a3e-2d2f-4e6a-8b8c-9d9e0f1a2b3c' };

describe('redactEntity', () => {
  it('hides credential secrets and private keys, keeps identifiers and public keys', () => {
    expect(redactEntity('keyauth_credentials', { id, consumer, key: 'k-123', ttl: null })).toEqual({
      id,
      consumer,
      key: REDACTED,
      ttl: null,
    });
    expect(redactEntity('basicauth_credentials', { id, username: 'u', password: '$scrypt$x' })).toMatchObject({
      username: 'u',
      password: REDACTED,
    });
    expect(redactEntity('jwt_secrets', { id, key: 'iss', secret: 's', rsa_public_key: 'PUB' })).toMatchObject({
      key: 'iss',
      secret: REDACTED,
      rsa_public_key: 'PUB',
    });
    expect(redactEntity('hmacauth_credentials', { id, username: 'u', secret: 's' }).secret).toBe(REDACTED);
    expect(redactEntity('certificates', { id, cert: 'C', key: 'K', cert_alt: null, key_alt: null })).toEqual({
      id,
      cert: 'C',
      key: REDACTED,
      cert_alt: null,
      key_alt: null,
    });
  });

  it('hides plugin secrets: redis passwords, header values, URL userinfo, secret-named keys', () => {
    const plugin: Entity = {
      id,
      name: 'http-log',
      config: {
        http_endpoint: 'https://user:pa55@logs.example.com/in?x=1',
        headers: { Authorization: 'Bearer t0k', 'X-Env': 'prod' },
        redis: { host: 'r', password: 'rp', username: 'ru' },
        redis_password: 'flat',
        client_secret: 'cs',
        secret_is_base64: false,
        key_names: ['apikey'],
        nested: [{ api_key: 'ak' }],
      },
    };
    expect(redactEntity('plugins', plugin).config).toEqual({
      http_endpoint: `https://${REDACTED}@logs.example.com/in?x=1`,
      headers: { Authorization: REDACTED, 'X-Env': REDACTED },
      redis: { host: 'r', password: REDACTED, username: 'ru' },
      redis_password: REDACTED,
      client_secret: REDACTED,
      secret_is_base64: false,
      key_names: ['apikey'],
      nested: [{ api_key: REDACTED }],
    });
    expect((plugin.config as { client_secret: string }).client_secret).toBe('cs');
  });

  it('leaves entities without secrets alone', () => {
    const route: Entity = { id, name: 'r', paths: ['/password'], tags: ['secret'] };
    expect(redactEntity('routes', route)).toEqual(route);
  });
});

describe('redactFieldChanges', () => {
  it('shows that a secret changed without showing it', () => {
    const changes = diffEntitySegments({ id, key: 'old', ttl: null }, { id, key: 'new', ttl: 60 });
    expect(redactFieldChanges('keyauth_credentials', changes)).toEqual([
      { path: 'key', before: REDACTED, after: REDACTED },
      { path: 'ttl', before: null, after: 60 },
    ]);
  });

  it('redacts inside a value that appears whole', () => {
    const changes = diffEntitySegments({ id, config: null }, { id, config: { redis: { password: 'p' } } });
    expect(redactFieldChanges('plugins', changes)).toEqual([
      { path: 'config', before: null, after: { redis: { password: REDACTED } } },
    ]);
  });
});

describe('redactEntity without a copy', () => {
  it('returns an entity with nothing to redact as is, and never changes its input', () => {
    const service = { id, name: 'shop', host: 'shop.internal', port: 80 } as Entity;
    expect(redactEntity('services', service)).toBe(service);
    const unset = { id, consumer, key: null } as unknown as Entity;
    expect(redactEntity('keyauth_credentials', unset)).toBe(unset);
    const cert = { id, cert: 'PEM', key: 'PRIVATE', key_alt: null } as unknown as Entity;
    expect(redactEntity('certificates', cert)).toEqual({ id, cert: 'PEM', key: REDACTED, key_alt: null });
    expect(cert.key).toBe('PRIVATE');
  });

  it('agrees with the path-by-path redaction for every kind but plugins', () => {
    const kinds = [
      'services',
      'routes',
      'consumers',
      'keyauth_credentials',
      'basicauth_credentials',
      'jwt_secrets',
      'hmacauth_credentials',
      'certificates',
      'ca_certificates',
      'upstreams',
      'targets',
      'snis',
      'acls',
    ] as const;
    const entity = { id, key: 'k', password: 'p', secret: 's', key_alt: 'a', name: 'https://u:p@x', tags: ['t'] };
    for (const kind of kinds) {
      expect(redactEntity(kind, entity as unknown as Entity)).toEqual(redactAt(kind, [], entity as never));
    }
  });
});

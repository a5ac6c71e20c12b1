import { schemaViolation } from '../errors/factories';
import { validateEntity } from '../schema/validate';
import { RSA_CERT } from '../testing/pem-fixtures';
import { hashPassword, isPasswordHash, verifyPassword } from './password';
import { ENTITY_SCHEMAS } from './registry';
import type { EntityKind } from '../kinds';
import { X509Certificate } from 'node:crypto';

const consumer = { id: '6f4f0f7e-8b9b-4d35-9a4e-1f3f8b2c1a00' };

function result(kind: EntityKind, input: unknown) {
  const r = validateEntity(ENTITY_SCHEMAS[kind], input);
  return r.ok ? { value: r.value } : { message: schemaViolation(r.errors).message };
}

describe('credentials', () => {
  it('key-auth needs a consumer; key and ttl are optional', () => {
    expect(result('keyauth_credentials', { consumer, key: 'k', ttl: 60 }).value).toMatchObject({ key: 'k', ttl: 60 });
    expect(result('keyauth_credentials', {}).message).toBe('schema violation (consumer: required field missing)');
    expect(result('keyauth_credentials', { consumer, ttl: -1 }).message).toBe(
      'schema violation (ttl: value should be between 0 and 100000000)',
    );
  });

  it('basic-auth needs username and password', () => {
    expect(result('basicauth_credentials', { consumer }).message).toBe(
      '2 schema violations (password: required field missing; username: required field missing)',
    );
  });

  it('jwt defaults to HS256 and needs a public key for RS/ES algorithms', () => {
    expect(result('jwt_secrets', { consumer }).value).toMatchObject({ algorithm: 'HS256', rsa_public_key: null });
    expect(result('jwt_secrets', { consumer, algorithm: 'RS256' }).message).toBe(
      "2 schema violations (failed conditional validation given value of field 'algorithm'; rsa_public_key: required field missing)",
    );
    expect(result('jwt_secrets', { consumer, algorithm: 'RS256', rsa_public_key: 'junk' }).message).toBe(
      "2 schema violations (failed conditional validation given value of field 'algorithm'; rsa_public_key: invalid key)",
    );
    const pub = new X509Certificate(RSA_CERT).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(result('jwt_secrets', { consumer, algorithm: 'RS256', rsa_public_key: pub }).value).toBeDefined();
    expect(result('jwt_secrets', { consumer, algorithm: 'XX1' }).message).toMatch(
      /^schema violation \(algorithm: expected one of: HS256/,
    );
  });

  it('acls need a group, hmac-auth a username', () => {
    expect(result('acls', { consumer }).message).toBe('schema violation (group: required field missing)');
    expect(result('hmacauth_credentials', { consumer }).message).toBe(
      'schema violation (username: required field missing)',
    );
  });
});

describe('passwords', () => {
  it('hash in a self-describing scrypt format and verify', () => {
    const stored = hashPassword('s3cret');
    expect(stored).toMatch(/^\$scrypt\$N=16384,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(isPasswordHash(stored)).toBe(true);
    expect(verifyPassword('s3cret', stored)).toBe(true);
    expect(verifyPassword('wrong', stored)).toBe(false);
    expect(hashPassword('s3cret')).not.toBe(stored);
  });

  it('rejects malformed or abusive hashes', () => {
    expect(verifyPassword('x', 'plain')).toBe(false);
    expect(verifyPassword('x', '$scrypt$N=1048577,r=8,p=1$AAAA$AAAA')).toBe(false);
    expect(isPasswordHash('$scrypt$N=3,r=8,p=1$AAAA$AAAA')).toBe(false);
  });
});

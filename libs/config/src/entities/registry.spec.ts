import { adminPathOf, CREDENTIAL_KINDS, FOREIGN_KEYS, kindFromAdminPath, nestedAdminPathOf } from './registry';

describe('entity registry', () => {
  it('maps Kong DAO names to Admin API paths and back', () => {
    expect(adminPathOf('services')).toBe('services');
    expect(adminPathOf('keyauth_credentials')).toBe('key-auths');
    expect(nestedAdminPathOf('keyauth_credentials')).toBe('key-auth');
    expect(nestedAdminPathOf('acls')).toBe('acls');
    expect(kindFromAdminPath('basic-auth')).toBe('basicauth_credentials');
    expect(kindFromAdminPath('jwts')).toBe('jwt_secrets');
    expect(kindFromAdminPath('hmac-auth')).toBe('hmacauth_credentials');
    expect(kindFromAdminPath('ca_certificates')).toBe('ca_certificates');
    expect(kindFromAdminPath('apis')).toBeUndefined();
    expect(CREDENTIAL_KINDS).toEqual([
      'keyauth_credentials',
      'basicauth_credentials',
      'jwt_secrets',
      'acls',
      'hmacauth_credentials',
    ]);
  });

  it('derives foreign keys and their delete behaviour from the schemas', () => {
    const rule = (kind: string, field: string) =>
      FOREIGN_KEYS.find((f) => f.kind === kind && f.field === field)?.onDelete;
    expect(rule('routes', 'service')).toBe('restrict');
    expect(rule('plugins', 'route')).toBe('cascade');
    expect(rule('plugins', 'consumer')).toBe('cascade');
    expect(rule('targets', 'upstream')).toBe('cascade');
    expect(rule('snis', 'certificate')).toBe('cascade');
    expect(rule('keyauth_credentials', 'consumer')).toBe('cascade');
    expect(rule('services', 'client_certificate')).toBe('restrict');
  });
});

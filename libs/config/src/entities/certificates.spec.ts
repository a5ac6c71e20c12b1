import { schemaViolation } from '../errors/factories';
import { validateEntity } from '../schema/validate';
import { CA_CERT, CA_KEY, EC_CERT, EC_KEY, RSA_CERT, RSA_KEY } from '../testing/pem-fixtures';
import { ENTITY_SCHEMAS } from './registry';
import type { EntityKind } from '../kinds';

function message(kind: EntityKind, input: unknown): string | undefined {
  const r = validateEntity(ENTITY_SCHEMAS[kind], input);
  return r.ok ? undefined : schemaViolation(r.errors).message;
}

describe('certificates', () => {
  it('accepts a matching cert and key, with an alternative of another type', () => {
    expect(message('certificates', { cert: RSA_CERT, key: RSA_KEY })).toBeUndefined();
    expect(
      message('certificates', { cert: RSA_CERT, key: RSA_KEY, cert_alt: EC_CERT, key_alt: EC_KEY }),
    ).toBeUndefined();
  });

  it('reports Kong messages', () => {
    expect(message('certificates', { key: RSA_KEY })).toBe('schema violation (cert: required field missing)');
    expect(message('certificates', { cert: RSA_CERT, key: EC_KEY })).toBe(
      'schema violation (certificate does not match key)',
    );
    expect(message('certificates', { cert: 'nope', key: RSA_KEY })).toMatch(
      /^schema violation \(cert: invalid certificate: /,
    );
    expect(message('certificates', { cert: RSA_CERT, key: RSA_KEY, cert_alt: EC_CERT })).toBe(
      "schema violation (all or none of these fields must be set: 'cert_alt', 'key_alt')",
    );
    expect(message('certificates', { cert: EC_CERT, key: EC_KEY, cert_alt: CA_CERT, key_alt: CA_KEY })).toBe(
      'schema violation (certificate and alternative certificate need to have different type (e.g. RSA and ECDSA), the provided certificates were both of the same type)',
    );
  });
});

describe('snis', () => {
  const certificate = { id: '6f4f0f7e-8b9b-4d35-9a4e-1f3f8b2c1a00' };
  it('allows wildcards at either end only', () => {
    expect(message('snis', { name: '*.example.com', certificate })).toBeUndefined();
    expect(message('snis', { name: 'example.*', certificate })).toBeUndefined();
    expect(message('snis', { name: 'a.*.com', certificate })).toBe(
      'schema violation (name: wildcard must be leftmost or rightmost character)',
    );
    expect(message('snis', { name: '10.0.0.1', certificate })).toBe('schema violation (name: must not be an IP)');
    expect(message('snis', { name: 'a.com' })).toBe('schema violation (certificate: required field missing)');
  });
});

describe('ca_certificates', () => {
  it('requires a CA certificate', () => {
    expect(message('ca_certificates', { cert: CA_CERT })).toBeUndefined();
    expect(message('ca_certificates', { cert: RSA_CERT })).toBe(
      'schema violation (certificate does not appear to be a CA because it is missing the "CA" basic constraint)',
    );
    expect(message('ca_certificates', { cert: CA_CERT + CA_CERT })).toBe(
      'schema violation (please submit only one certificate at a time)',
    );
  });
});

import { createSecureContext } from 'node:tls';
import type { AppliedChange, Entity } from '@gantry/config';
import {
  EC_CERT as CERT_EC,
  EC_KEY as KEY_EC,
  RSA_CERT as CERT_RSA,
  RSA_KEY as KEY_RSA,
} from '../../../../libs/config/src/testing/pem-fixtures';
import { CertificateStore } from './certificate-store';

const rsa: Entity = { id: 'c-rsa', cert: CERT_RSA, key: KEY_RSA };
const ec: Entity = { id: 'c-ec', cert: CERT_EC, key: KEY_EC };
const sni = (id: string, name: string, certificate: string): Entity => ({ id, name, certificate: { id: certificate } });
const change = (kind: AppliedChange['kind'], before: Entity | null, after: Entity | null): AppliedChange => ({
  op: after === null ? 'delete' : before === null ? 'create' : 'update',
  kind,
  key: (after ?? before)!.id,
  before,
  after,
});

describe('CertificateStore', () => {
  const fallback = createSecureContext();

  function store(): CertificateStore {
    const s = new CertificateStore(fallback);
    s.load([rsa, ec], [sni('s1', 'api.test', 'c-rsa'), sni('s2', '*.wild.test', 'c-ec'), sni('s3', 'shop.*', 'c-ec')]);
    return s;
  }

  it('picks the exact name, then a leading wildcard, then a trailing one, then the default', () => {
    const s = store();
    const exact = s.contextFor('API.test');
    expect(exact).not.toBe(fallback);
    expect(s.contextFor('api.test')).toBe(exact);
    const wildcard = s.contextFor('a.wild.test');
    expect(wildcard).not.toBe(fallback);
    expect(wildcard).not.toBe(exact);
    expect(s.contextFor('shop.example')).toBe(wildcard);
    expect(s.contextFor('deep.a.wild.test')).toBe(fallback);
    expect(s.contextFor('other.test')).toBe(fallback);
    expect(s.contextFor(undefined)).toBe(fallback);
  });

  it('applies certificate and SNI changes one entity at a time', () => {
    const s = store();
    const before = s.contextFor('api.test');
    s.apply([change('certificates', rsa, { ...rsa, cert: CERT_EC, key: KEY_EC })]);
    const rotated = s.contextFor('api.test');
    expect(rotated).not.toBe(before);
    expect(s.contextFor('a.wild.test')).not.toBe(fallback);

    s.apply([change('snis', sni('s1', 'api.test', 'c-rsa'), sni('s1', 'api2.test', 'c-rsa'))]);
    expect(s.contextFor('api.test')).toBe(fallback);
    expect(s.contextFor('api2.test')).not.toBe(fallback);

    s.apply([change('snis', sni('s2', '*.wild.test', 'c-ec'), null)]);
    expect(s.contextFor('a.wild.test')).toBe(fallback);
  });

  it('hands contexts to the TLS listener through its SNI callback', () => {
    const s = store();
    const done = jest.fn();
    s.sniCallback('api.test', done);
    expect(done).toHaveBeenCalledWith(null, s.contextFor('api.test'));
  });
});

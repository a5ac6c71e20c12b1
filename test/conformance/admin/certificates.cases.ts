import { CA_CERT, EC_CERT, EC_KEY, RSA_CERT, RSA_KEY } from '../../../libs/config/src/testing/pem-fixtures';
import type { ClientRef } from '../admin-conformance';

export function certificateCases(client: ClientRef): void {
  describe('certificates, SNIs and CA certificates', () => {
    beforeAll(() => client().reset());

    it('creates a certificate with the snis shorthand and shows its SNIs', async () => {
      const cert = await client().post('/certificates', { cert: RSA_CERT, key: RSA_KEY, snis: ['a.example.com'] });
      expect(cert.status).toBe(201);
      expect(cert.body.snis).toEqual(['a.example.com']);
      const snis = await client().get('/snis');
      expect(snis.body.data).toHaveLength(1);
      expect(snis.body.data[0]).toMatchObject({ name: 'a.example.com', certificate: { id: cert.body.id } });
      expect((await client().get('/certificates/a.example.com')).body.id).toBe(cert.body.id);
      expect((await client().get(`/certificates/${cert.body.id}/snis`)).body.data).toHaveLength(1);
      expect((await client().get('/snis/a.example.com/certificate')).body.id).toBe(cert.body.id);
      const sni = await client().post(`/certificates/${cert.body.id}/snis`, { name: '*.wild.example.com' });
      expect(sni.status).toBe(201);
      expect((await client().get(`/certificates/${cert.body.id}`)).body.snis).toEqual([
        '*.wild.example.com',
        'a.example.com',
      ]);
    });

    it('refuses an SNI bound to another certificate, and a bad PEM', async () => {
      const other = await client().post('/certificates', { cert: EC_CERT, key: EC_KEY, snis: ['a.example.com'] });
      expect(other.status).toBe(400);
      expect(other.body.code).toBe(2);
      const bad = await client().post('/certificates', { cert: 'not a pem', key: 'nope' });
      expect(bad.status).toBe(400);
      expect(bad.body.fields.cert).toBeDefined();
    });

    it('creates CA certificates, unique by digest', async () => {
      const ca = await client().post('/ca_certificates', { cert: CA_CERT });
      expect(ca.status).toBe(201);
      expect(ca.body.cert_digest).toMatch(/^[0-9a-f]{64}$/);
      expect((await client().post('/ca_certificates', { cert: CA_CERT })).status).toBe(409);
      expect((await client().get('/ca_certificates')).body.data).toHaveLength(1);
    });
  });
}

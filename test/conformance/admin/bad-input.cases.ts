import type { ClientRef } from '../admin-conformance';

export function badInputCases(client: ClientRef, maxBodyBytes: number): void {
  describe('bad input: always a Kong-shaped 4xx, never a 500', () => {
    beforeAll(() => client().reset());

    it('broken JSON is a 400 with a Kong message', async () => {
      const broken = await client().request('POST', '/services', {
        raw: '{"name": "x",',
        contentType: 'application/json',
      });
      expect(broken.status).toBe(400);
      expect(broken.body).toEqual({ message: 'Cannot parse JSON body' });
    });

    it('a body that is not an object is a schema violation', async () => {
      const list = await client().post('/services', [1, 2]);
      expect(list.status).toBe(400);
      expect(list.body.code).toBe(2);
    });

    it('an unknown content type with a body is a 415', async () => {
      const xml = await client().request('POST', '/services', { raw: '<service/>', contentType: 'application/xml' });
      expect(xml.status).toBe(415);
      expect(typeof xml.body.message).toBe('string');
    });

    it('an oversize body is a 413 JSON answer', async () => {
      const big = JSON.stringify({ name: 'big', host: 'h', tags: ['x'.repeat(maxBodyBytes)] });
      const answer = await client().request('POST', '/services', { raw: big, contentType: 'application/json' });
      expect(answer.status).toBe(413);
      expect(typeof answer.body.message).toBe('string');
      expect((await client().get('/services/big')).status).toBe(404);
    });

    it('an invalid uuid is a 400 when it must be an id, a 404 when it could be a name', async () => {
      const badId = await client().post('/services', { id: 'not-a-uuid', host: 'h' });
      expect(badId.status).toBe(400);
      expect(badId.body.fields).toEqual({ id: 'expected a valid UUID' });
      expect((await client().get('/services/not-a-uuid')).status).toBe(404);
      const noKey = await client().put('/ca_certificates/not-a-uuid', {});
      expect(noKey.status).toBe(400);
      expect(typeof noKey.body.message).toBe('string');
      const badRef = await client().post('/routes', { paths: ['/x'], service: { id: 'nope' } });
      expect(badRef.status).toBe(400);
    });

    it('a wrong type is named', async () => {
      const wrong = await client().post('/routes', { paths: '/not-a-list', strip_path: 'sometimes' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.fields.strip_path).toBe('expected a boolean');
    });

    it('references to missing entities are 400 foreign key errors; nested parents 404', async () => {
      const missing = await client().post('/routes', {
        paths: ['/x'],
        service: { id: '7d2f4b8e-6b39-4a51-9c3e-0e6b3f1a2b3c' },
      });
      expect(missing.status).toBe(400);
      expect(missing.body).toMatchObject({ code: 4, name: 'foreign key violation' });
      expect((await client().post('/services/nope/routes', { paths: ['/x'] })).status).toBe(404);
      expect((await client().get('/services/nope/routes')).status).toBe(404);
    });

    it('garbage never produces a 5xx', async () => {
      const attempts = [
        client().request('POST', '/services', { raw: 'null', contentType: 'application/json' }),
        client().request('POST', '/services', { raw: '"text"', contentType: 'application/json' }),
        client().request('PATCH', '/services/%zz', { json: {} }),
        client().request('GET', '/services?size=abc'),
        client().request('GET', '/services?offset=!!!'),
        client().request('GET', '/services?tags=a,b/c'),
        client().request('POST', '/routes', { json: { paths: [{}], hosts: [1], headers: { Host: ['x'] } } }),
        client().request('POST', '/plugins', { json: { name: 123, config: 'x' } }),
        client().request('POST', '/upstreams', { json: { name: 'u', healthchecks: { active: { timeout: 'x' } } } }),
        client().request('POST', '/certificates', { json: { cert: 'nope', key: 'nope' } }),
        client().request('POST', '/config', { raw: '{', contentType: 'application/json' }),
        client().request('POST', '/config', { raw: ': : :', contentType: 'application/yaml' }),
        client().request('POST', '/consumers', { form: { 'a[1].b': 'x', '.': 'y' } }),
        client().request('PUT', '/consumers/x', { raw: '--x--', contentType: 'multipart/form-data; boundary=x' }),
        client().request('DELETE', '/consumers/x/key-auth/y'),
        client().request('GET', '/schemas/plugins/..'),
      ];
      for (const answer of await Promise.all(attempts)) {
        expect(answer.status).toBeGreaterThanOrEqual(200);
        expect(answer.status).toBeLessThan(500);
        if (answer.status >= 400) expect(answer.headers.get('content-type')).toContain('application/json');
      }
    });
  });
}

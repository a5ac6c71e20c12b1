import type { ClientRef } from '../admin-conformance';

const SERVICE_DEFAULTS = {
  protocol: 'http',
  port: 80,
  path: null,
  retries: 5,
  connect_timeout: 60000,
  write_timeout: 60000,
  read_timeout: 60000,
  enabled: true,
  tags: null,
};

export function crudCases(client: ClientRef): void {
  describe('entity CRUD', () => {
    beforeAll(() => client().reset());

    it('POST creates with Kong defaults (201); GET finds it by id and by name', async () => {
      const created = await client().post('/services', { name: 'billing', host: 'billing.internal' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ name: 'billing', host: 'billing.internal', ...SERVICE_DEFAULTS });
      expect(created.body.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof created.body.created_at).toBe('number');
      const byId = await client().get(`/services/${created.body.id}`);
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(created.body);
      expect((await client().get('/services/billing')).body).toEqual(created.body);
    });

    it('expands the url shorthand', async () => {
      const created = await client().post('/services', { name: 'shorthand', url: 'https://api.example.com:8443/v1' });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ protocol: 'https', host: 'api.example.com', port: 8443, path: '/v1' });
    });

    it('PATCH updates only what it names (200)', async () => {
      const patched = await client().patch('/services/billing', { retries: 2, tags: ['team-a'] });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'billing', host: 'billing.internal', retries: 2, tags: ['team-a'] });
      expect((await client().patch('/services/nope', { retries: 1 })).status).toBe(404);
    });

    it('PUT upserts by endpoint key: creates (200), then replaces fully (defaults return)', async () => {
      const created = await client().put('/services/upserted', { host: 'a.internal', port: 8080, retries: 1 });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ name: 'upserted', host: 'a.internal', port: 8080, retries: 1 });
      const replaced = await client().put('/services/upserted', { host: 'b.internal' });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: created.body.id, host: 'b.internal', port: 80, retries: 5 });
      expect(replaced.body.created_at).toBe(created.body.created_at);
    });

    it('PUT upserts by a client-chosen uuid, as decK does', async () => {
      const id = '6a0d33e5-53e3-4b23-9d7c-5d1f7b3d1a01';
      const created = await client().put(`/services/${id}`, { name: 'deck-made', host: 'deck.internal' });
      expect(created.status).toBe(200);
      expect(created.body).toMatchObject({ id, name: 'deck-made' });
      const again = await client().put(`/services/${id}`, { name: 'deck-made', host: 'deck2.internal' });
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ id, host: 'deck2.internal' });
    });

    it('DELETE answers 204, also when the entity is already gone', async () => {
      expect((await client().delete('/services/upserted')).status).toBe(204);
      expect((await client().delete('/services/upserted')).status).toBe(204);
      const gone = await client().get('/services/upserted');
      expect(gone.status).toBe(404);
      expect(gone.body).toEqual({ message: 'Not found' });
    });

    it('rejects a second entity with the same unique name with 409', async () => {
      const dup = await client().post('/services', { name: 'billing', host: 'other.internal' });
      expect(dup.status).toBe(409);
      expect(dup.body).toEqual({
        code: 5,
        name: 'unique constraint violation',
        message: `UNIQUE violation detected on '{name="billing"}'`,
        fields: { name: 'billing' },
      });
    });

    it('names every failing field in a schema violation', async () => {
      const bad = await client().post('/services', { port: 'eighty', protocol: 'ftp', nonsense: true });
      expect(bad.status).toBe(400);
      expect(bad.body.code).toBe(2);
      expect(bad.body.name).toBe('schema violation');
      expect(bad.body.fields).toMatchObject({
        host: 'required field missing',
        port: 'expected an integer',
        nonsense: 'unknown field',
      });
      expect(bad.body.fields.protocol).toMatch(/^expected one of: /);
      expect(bad.body.message).toMatch(/^4 schema violations \(/);
      for (const field of ['host', 'port', 'protocol', 'nonsense']) expect(bad.body.message).toContain(`${field}: `);
    });

    it("GET /routes/{r}/service returns the route's service; DELETE there is 405", async () => {
      const route = await client().post('/routes', {
        name: 'r-billing',
        paths: ['/billing'],
        service: { name: 'billing' },
      });
      expect(route.status).toBe(201);
      const service = await client().get('/routes/r-billing/service');
      expect(service.status).toBe(200);
      expect(service.body.name).toBe('billing');
      const patched = await client().patch('/routes/r-billing/service', { retries: 3 });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ name: 'billing', retries: 3 });
      expect((await client().delete('/routes/r-billing/service')).status).toBe(405);
      const orphan = await client().post('/routes', { name: 'orphan', paths: ['/o'] });
      expect((await client().get('/routes/orphan/service')).status).toBe(404);
      expect(orphan.body.service).toBeNull();
    });
  });
}

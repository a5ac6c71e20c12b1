/* eslint-disable @typescript-eslint/no-unsafe-call -- answers are JSON checked by assertions */
import type { ClientRef } from '../admin-conformance';

export function nestedCases(client: ClientRef): void {
  describe('nested routes under services', () => {
    beforeAll(async () => {
      await client().reset();
      await client().post('/services', { name: 'orders', host: 'orders.internal' });
      await client().post('/services', { name: 'other', host: 'other.internal' });
    });

    it('creates, lists, reads, updates and deletes /services/{s}/routes[/{r}]', async () => {
      const created = await client().post('/services/orders/routes', { name: 'orders-list', paths: ['/orders'] });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        paths: ['/orders'],
        protocols: ['http', 'https'],
        strip_path: true,
        preserve_host: false,
        regex_priority: 0,
        path_handling: 'v0',
        https_redirect_status_code: 426,
        request_buffering: true,
        response_buffering: true,
      });
      const service = (await client().get('/services/orders')).body;
      expect(created.body.service).toEqual({ id: service.id });
      const list = await client().get('/services/orders/routes');
      expect(list.status).toBe(200);
      expect(list.body.data.map((r: { name: string }) => r.name)).toEqual(['orders-list']);
      expect(list.body.next).toBeNull();
      expect(list.body).not.toHaveProperty('offset');
      expect((await client().get('/services/other/routes')).body.data).toEqual([]);
      expect((await client().get('/services/orders/routes/orders-list')).status).toBe(200);
      expect((await client().get(`/services/orders/routes/${created.body.id}`)).status).toBe(200);
      expect((await client().get('/services/other/routes/orders-list')).status).toBe(404);
      const patched = await client().patch('/services/orders/routes/orders-list', { paths: ['/v2/orders'] });
      expect(patched.status).toBe(200);
      expect(patched.body.paths).toEqual(['/v2/orders']);
      expect((await client().delete('/services/other/routes/orders-list')).status).toBe(404);
      expect((await client().delete('/services/orders/routes/orders-list')).status).toBe(204);
      expect((await client().get('/routes/orders-list')).status).toBe(404);
    });

    it('upserts nested by endpoint key and by uuid', async () => {
      const byName = await client().put('/services/orders/routes/orders-put', { paths: ['/put'] });
      expect(byName.status).toBe(200);
      expect(byName.body.name).toBe('orders-put');
      const id = '0b5c6f0e-2a36-4c1d-8a43-7a3f6f1f0c11';
      const byId = await client().put(`/services/orders/routes/${id}`, { paths: ['/put-id'] });
      expect(byId.status).toBe(200);
      expect(byId.body.id).toBe(id);
      expect((await client().get('/services/orders/routes')).body.data).toHaveLength(2);
    });
  });
}

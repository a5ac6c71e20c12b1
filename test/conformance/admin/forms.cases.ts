import type { ClientRef } from '../admin-conformance';

export function formCases(client: ClientRef): void {
  describe('form-encoded bodies (curl -d)', () => {
    beforeAll(() => client().reset());

    it('types values by the schema: numbers, booleans, arrays', async () => {
      const service = await client().request('POST', '/services', {
        form: { name: 'formed', host: 'f.internal', port: 8080, retries: 0, 'tags[]': ['a', 'b'] },
      });
      expect(service.status).toBe(201);
      expect(service.body).toMatchObject({ port: 8080, retries: 0, tags: ['a', 'b'] });
    });

    it('repeated names become arrays; hosts[1]/hosts[2] set positions; service.id nests', async () => {
      const service = await client().get('/services/formed');
      const route = await client().request('POST', '/routes', {
        form: {
          name: 'formed-route',
          protocols: ['http', 'https'],
          methods: ['GET', 'POST'],
          'hosts[2]': 'b.example.com',
          'hosts[1]': 'a.example.com',
          'paths[]': '/formed',
          strip_path: 'false',
          'service.id': service.body.id,
        },
      });
      expect(route.status).toBe(201);
      expect(route.body).toMatchObject({
        protocols: ['http', 'https'],
        methods: ['GET', 'POST'],
        hosts: ['a.example.com', 'b.example.com'],
        paths: ['/formed'],
        strip_path: false,
        service: { id: service.body.id },
      });
    });

    it('dotted names build records (healthchecks, plugin config)', async () => {
      const upstream = await client().request('POST', '/upstreams', {
        form: { name: 'formed-up', 'healthchecks.active.timeout': 3, 'healthchecks.active.healthy.interval': 5 },
      });
      expect(upstream.status).toBe(201);
      expect(upstream.body.healthchecks.active).toMatchObject({ timeout: 3, healthy: { interval: 5 } });
      const plugin = await client().request('POST', '/services/formed/plugins', {
        form: { name: 'rate-limiting', 'config.minute': 5, 'config.policy': 'local' },
      });
      expect(plugin.status).toBe(201);
      expect(plugin.body.service).toEqual({ id: expect.any(String) });
      expect(String(plugin.body.config.minute)).toBe('5');
      expect(plugin.body.config.policy).toBe('local');
    });

    it('an empty value clears a field (null)', async () => {
      const patched = await client().request('PATCH', '/services/formed', { form: { tags: '' } });
      expect(patched.status).toBe(200);
      expect(patched.body.tags).toBeNull();
    });

    it('multipart bodies work like forms', async () => {
      const form = new FormData();
      form.append('username', 'multi');
      form.append('tags[]', 'm');
      const response = await fetch(`${client().baseUrl}/consumers`, { method: 'POST', body: form });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ username: 'multi', tags: ['m'] });
    });
  });
}

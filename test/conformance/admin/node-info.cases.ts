import type { ClientRef } from '../admin-conformance';

export function nodeInfoCases(client: ClientRef): void {
  describe('node information', () => {
    it('GET / reports a Kong 3.x version and the plugins', async () => {
      const root = await client().get('/');
      expect(root.status).toBe(200);
      expect(root.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(root.headers.get('x-kong-admin-request-id')).toMatch(/^\S+$/);
      expect(root.body.version).toMatch(/^3\.\d+\.\d+/);
      expect(typeof root.body.node_id).toBe('string');
      expect(typeof root.body.plugins.available_on_server).toBe('object');
      expect(Array.isArray(root.body.plugins.enabled_in_cluster)).toBe(true);
      expect(root.body.configuration.database).not.toBe('off');
    });

    it('GET /status reports counters and database reachability', async () => {
      const status = await client().get('/status');
      expect(status.status).toBe(200);
      expect(status.body.database).toEqual({ reachable: true });
      expect(typeof status.body.server.total_requests).toBe('number');
      expect(typeof status.body.memory).toBe('object');
      expect(status.body.configuration_hash).toMatch(/^[0-9a-f]+$/);
      expect(typeof status.body.gantry.config_version).toBe('number');
    });

    it('GET /endpoints lists the routes, GET /plugins/enabled the plugins', async () => {
      const endpoints = await client().get('/endpoints');
      expect(endpoints.status).toBe(200);
      expect(endpoints.body.data).toEqual(expect.arrayContaining(['/', '/services', '/config', '/tags']));
      const enabled = await client().get('/plugins/enabled');
      expect(enabled.status).toBe(200);
      expect(enabled.body.enabled_plugins).toEqual(expect.arrayContaining(['key-auth', 'rate-limiting']));
    });

    it('answers unknown paths with 404 JSON and wrong methods with 405', async () => {
      const unknown = await client().get('/no/such/endpoint');
      expect(unknown.status).toBe(404);
      expect(unknown.body).toEqual({ message: 'Not found' });
      const wrong = await client().put('/services', {});
      expect(wrong.status).toBe(405);
      expect(wrong.body).toEqual({ message: 'Method not allowed' });
      expect((await client().delete('/services')).status).toBe(405);
      expect((await client().post('/')).status).toBe(405);
      expect((await client().get('/targets')).status).toBe(404);
    });

    it('serves entity schemas and validates against them', async () => {
      const schema = await client().get('/schemas/services');
      expect(schema.status).toBe(200);
      expect(schema.body.fields).toEqual(expect.arrayContaining([{ port: expect.objectContaining({ default: 80 }) }]));
      expect((await client().get('/schemas/keyauth_credentials')).status).toBe(200);
      const missing = await client().get('/schemas/nothing');
      expect(missing.status).toBe(404);
      expect(missing.body).toEqual({ message: "No entity named 'nothing'" });
      const valid = await client().post('/schemas/services/validate', { host: 'example.com' });
      expect(valid.status).toBe(200);
      expect(valid.body).toEqual({ message: 'schema validation successful' });
      const invalid = await client().post('/schemas/services/validate', { port: 'x' });
      expect(invalid.status).toBe(400);
      expect(invalid.body).toMatchObject({ code: 2, name: 'schema violation' });
      expect(invalid.body.fields).toMatchObject({ host: 'required field missing', port: 'expected an integer' });
    });

    it('keeps /health with Nest', async () => {
      const health = await client().get('/health');
      expect([200, 503]).toContain(health.status);
      expect(health.body).toHaveProperty('status');
    });
  });
}

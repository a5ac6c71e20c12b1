/* eslint-disable @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- answers are JSON checked by assertions */
import type { ClientRef } from '../admin-conformance';

const DOC = {
  _format_version: '3.0',
  services: [
    {
      name: 'decl',
      url: 'http://decl.internal:8080',
      tags: ['declarative'],
      routes: [{ name: 'decl-route', paths: ['/decl'], plugins: [{ name: 'cors', config: {} }] }],
    },
  ],
  consumers: [{ username: 'erin', keyauth_credentials: [{ key: 'erin-key-0001' }], acls: [{ group: 'ops' }] }],
  upstreams: [{ name: 'decl-pool', targets: [{ target: '10.9.9.9:80' }] }],
};

export function configCases(client: ClientRef): void {
  describe('declarative /config', () => {
    beforeAll(() => client().reset());

    it('POST /config imports nested entities in one go (201)', async () => {
      await client().post('/services', { name: 'doomed', host: 'x' });
      const imported = await client().post('/config', DOC);
      expect(imported.status).toBe(201);
      expect(Object.values(imported.body.services)).toHaveLength(1);
      expect((await client().get('/services/doomed')).status).toBe(404);
      const route = await client().get('/routes/decl-route');
      expect(route.status).toBe(200);
      expect((await client().get('/routes/decl-route/service')).body.name).toBe('decl');
      expect((await client().get('/routes/decl-route/plugins')).body.data).toHaveLength(1);
      expect((await client().get('/consumers/erin/key-auth/erin-key-0001')).status).toBe(200);
      expect((await client().get('/upstreams/decl-pool/targets')).body.data).toHaveLength(1);
    });

    it("GET /config exports Kong's {config: yaml}, or JSON/YAML on request", async () => {
      const kong = await client().get('/config');
      expect(kong.status).toBe(200);
      expect(kong.body.config).toContain('_format_version');
      const json = await client().get('/config?format=json');
      expect(json.body._format_version).toBe('3.0');
      expect(json.body.services).toHaveLength(1);
      const yaml = await client().get('/config', { headers: { accept: 'application/yaml' } });
      expect(yaml.headers.get('content-type')).toContain('yaml');
      expect(yaml.text).toContain('decl-route');
    });

    it('round-trips: export, wipe, import gives the same configuration', async () => {
      const before = (await client().get('/config?format=json')).body;
      await client().reset();
      expect((await client().get('/services')).body.data).toEqual([]);
      expect((await client().post('/config', before)).status).toBe(201);
      expect((await client().get('/config?format=json')).body).toEqual(before);
    });

    it('check_hash=1 answers 304 for an unchanged file, 201 for a changed one', async () => {
      const current = (await client().get('/config?format=json')).body;
      const same = await client().post('/config?check_hash=1', current);
      expect(same.status).toBe(304);
      expect(same.text).toBe('');
      const changed = { ...current, services: [...current.services, { name: 'added', host: 'a.internal' }] };
      expect((await client().post('/config?check_hash=1', changed)).status).toBe(201);
      expect((await client().get('/services/added')).status).toBe(200);
    });

    it('accepts YAML bodies and a form field named config', async () => {
      const yaml = '_format_version: "3.0"\nservices:\n  - name: from-yaml\n    host: y.internal\n';
      const fromYaml = await client().request('POST', '/config', { raw: yaml, contentType: 'application/yaml' });
      expect(fromYaml.status).toBe(201);
      expect((await client().get('/services/from-yaml')).status).toBe(200);
      const fromForm = await client().request('POST', '/config', {
        form: { config: yaml.replace('from-yaml', 'from-form') },
      });
      expect(fromForm.status).toBe(201);
      expect((await client().get('/services/from-form')).status).toBe(200);
      expect((await client().get('/services/from-yaml')).status).toBe(404);
    });

    it("rejects an invalid file with Kong's code 14 and flattened errors; nothing changes", async () => {
      const bad = await client().post('/config', {
        _format_version: '3.0',
        services: [{ name: 'broken', port: 'x', routes: [{ name: 'bad-route', paths: ['no-slash'] }] }],
      });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 14, name: 'invalid declarative configuration' });
      expect(bad.body.message).toMatch(/^declarative config is invalid: /);
      const types = bad.body.flattened_errors.map((e: { entity_type: string }) => e.entity_type).sort();
      expect(types).toEqual(['route', 'service']);
      const service = bad.body.flattened_errors.find((e: { entity_type: string }) => e.entity_type === 'service');
      expect(service.entity_name).toBe('broken');
      expect(service.errors).toEqual(
        expect.arrayContaining([{ type: 'field', field: 'host', message: 'required field missing' }]),
      );
      expect((await client().get('/services/from-form')).status).toBe(200);
      const version = await client().post('/config', { _format_version: '1.1' });
      expect(version.status).toBe(400);
      const empty = await client().request('POST', '/config', { raw: '', contentType: 'application/yaml' });
      expect(empty.status).toBe(400);
      expect(empty.body).toEqual({ message: 'expected a declarative configuration' });
    });
  });
}

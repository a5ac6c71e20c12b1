import { schemaViolation } from '../errors/factories';
import { validateEntity } from '../schema/validate';
import { PluginSchemaRegistry, renderPluginSchema } from './plugin-registry';

describe('plugin schema registry', () => {
  const registry = new PluginSchemaRegistry();
  registry.register('rate-limiting', {
    fields: [
      ['consumer', { type: 'foreign', reference: 'consumers', eq: null }],
      [
        'config',
        {
          type: 'record',
          fields: [
            ['minute', { type: 'number', gt: 0 }],
            ['policy', { type: 'string', default: 'local', one_of: ['local', 'cluster', 'redis'] }],
          ],
        },
      ],
    ],
    entity_checks: [{ at_least_one_of: ['config.minute'] }],
  });

  it('specialises config, including defaults when config is omitted', () => {
    const schema = registry.entitySchema('rate-limiting');
    const r = validateEntity(schema, { name: 'rate-limiting', config: { minute: 5 } });
    expect(r.ok && r.value.config).toEqual({ minute: 5, policy: 'local' });
    const missing = validateEntity(schema, { name: 'rate-limiting' });
    expect(missing.ok ? '' : schemaViolation(missing.errors).message).toBe(
      "schema violation (at least one of these fields must be non-empty: 'config.minute')",
    );
    const bad = validateEntity(schema, {
      name: 'rate-limiting',
      consumer: { id: '6f4f0f7e-8b9b-4d35-9a4e-1f3f8b2c1a00' },
      config: { minute: 0, x: 1 },
    });
    expect(bad.ok ? '' : schemaViolation(bad.errors).message).toBe(
      '3 schema violations (config.minute: value must be greater than 0; config.x: unknown field; consumer: value must be null)',
    );
  });

  it('keeps the generic schema for unknown plugins unless strict', () => {
    expect(registry.accepts('whatever')).toBe(true);
    expect(new PluginSchemaRegistry(true).accepts('whatever')).toBe(false);
    expect(renderPluginSchema('whatever', new PluginSchemaRegistry(true))).toBeUndefined();
    const rendered = renderPluginSchema('rate-limiting', registry);
    const config = (rendered?.fields as Record<string, Record<string, unknown>>[]).find((f) => 'config' in f);
    expect(config?.config.fields).toEqual([
      { minute: { type: 'number', gt: 0 } },
      { policy: { type: 'string', default: 'local', one_of: ['local', 'cluster', 'redis'] } },
    ]);
  });

  it('refuses malformed plugin schemas', () => {
    expect(() => registry.register('x', { fields: [] })).toThrow(/config/);
    expect(() =>
      registry.register('x', {
        fields: [
          ['config', { type: 'record' }],
          ['extra', { type: 'string' }],
        ],
      }),
    ).toThrow(/not a plugin field/);
  });
});

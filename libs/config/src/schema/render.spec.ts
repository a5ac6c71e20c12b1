import { renderEntitySchema } from '../entities/registry';
import { renderSchema } from './render';

describe('renderSchema (Kong GET /schemas format)', () => {
  it('renders fields as single-key objects, dropping functions', () => {
    const out = renderSchema({
      fields: [
        ['id', { type: 'string', uuid: true, auto: true }],
        ['n', { type: 'integer', default: 5, between: [0, 9], custom_validator: () => undefined }],
        ['s', { type: 'set', elements: { type: 'string' } }],
        ['r', { type: 'record', fields: [['x', { type: 'boolean', default: true }]] }],
        ['f', { type: 'foreign', reference: 'services', on_delete: 'cascade' }],
      ],
      entity_checks: [
        { at_least_one_of: ['n', 's'] },
        { custom_entity_check: { field_sources: ['n'], fn: () => undefined } },
      ],
    });
    expect(out).toEqual({
      fields: [
        { id: { type: 'string', uuid: true, auto: true } },
        { n: { type: 'integer', default: 5, between: [0, 9] } },
        { s: { type: 'set', elements: { type: 'string' } } },
        { r: { type: 'record', fields: [{ x: { type: 'boolean', default: true } }] } },
        { f: { type: 'foreign', reference: 'services', on_delete: 'cascade' } },
      ],
      entity_checks: [{ at_least_one_of: ['n', 's'] }, { custom_entity_check: { field_sources: ['n'] } }],
    });
  });

  it('renders Kong entity schemas that round-trip through JSON', () => {
    const services = renderEntitySchema('services');
    expect(JSON.parse(JSON.stringify(services))).toEqual(services);
    const fields = services.fields as Record<string, Record<string, unknown>>[];
    expect(fields[0]).toEqual({ id: { type: 'string', uuid: true, auto: true } });
    expect(fields.find((f) => 'port' in f)).toEqual({
      port: { type: 'integer', between: [0, 65535], required: true, default: 80 },
    });
    expect(services.shorthand_fields).toEqual([{ url: { type: 'string' } }]);
    const upstreams = renderEntitySchema('upstreams');
    const hc = (upstreams.fields as Record<string, Record<string, unknown>>[]).find((f) => 'healthchecks' in f);
    expect(hc?.healthchecks.type).toBe('record');
    expect(Array.isArray(hc?.healthchecks.fields)).toBe(true);
  });
});

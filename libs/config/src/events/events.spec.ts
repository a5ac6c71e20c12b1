import { canonicalJson } from './canonical-json';
import {
  changeset,
  createChange,
  createEvent,
  deleteChange,
  replaceEvent,
  updateChange,
  type EventMeta,
} from './builders';
import { decodeEvent, encodeEvent, EventDecodeError } from './codec';

const meta: EventMeta = {
  actor: 'alice',
  source: 'admin',
  origin_region: 'eu-west',
  request_id: 'r-1',
  timestamp: 1000,
};
const svc = { id: '6f4f0f7e-8b9b-4d35-9a4e-1f3f8b2c1a00', name: 'a', host: 'h' };

describe('event builders', () => {
  it('build single-change events with kind and key', () => {
    const e = createEvent(createChange('services', svc), { ...meta, id: 'e-1' });
    expect(e).toEqual({
      schema_version: 1,
      id: 'e-1',
      version: 0,
      type: 'create',
      kind: 'services',
      key: svc.id,
      changes: [{ op: 'create', kind: 'services', key: svc.id, before: null, after: svc }],
      actor: 'alice',
      request_id: 'r-1',
      source: 'admin',
      origin_region: 'eu-west',
      timestamp: 1000,
    });
    expect(createEvent(deleteChange('services', svc.id), meta).type).toBe('delete');
    expect(createEvent(updateChange('services', svc, { ...svc, name: 'b' }), meta).type).toBe('update');
  });

  it('build changesets and replacements with generated ids', () => {
    const c = changeset([createChange('services', svc)], meta);
    expect(c.type).toBe('changeset');
    expect(c.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(c.kind).toBeUndefined();
    expect(replaceEvent([], { ...meta, idempotency_key: 'k' })).toMatchObject({
      type: 'replace',
      idempotency_key: 'k',
    });
  });
});

describe('codec', () => {
  it('round-trips through JSON', () => {
    const e = createEvent(createChange('services', svc), meta);
    e.version = 7;
    expect(decodeEvent(encodeEvent(e))).toEqual(e);
    expect(decodeEvent(Buffer.from(encodeEvent(e)))).toEqual(e);
  });

  it('rejects an unknown schema_version with a clear error', () => {
    const e = { ...createEvent(createChange('services', svc), meta), schema_version: 2 };
    expect(() => decodeEvent(JSON.stringify(e))).toThrow(EventDecodeError);
    expect(() => decodeEvent(JSON.stringify(e))).toThrow(
      'unsupported config event schema_version 2: this build reads schema_version 1; upgrade it before reading newer events',
    );
  });

  it('rejects malformed envelopes', () => {
    const good = createEvent(createChange('services', svc), meta);
    expect(() => decodeEvent('not json')).toThrow(/not valid JSON/);
    expect(() => decodeEvent(JSON.stringify({ ...good, changes: [{ ...good.changes[0], kind: 'apis' }] }))).toThrow(
      /not an entity kind/,
    );
    expect(() => decodeEvent(JSON.stringify({ ...good, changes: [] }))).toThrow(/exactly one change/);
    expect(() => decodeEvent(JSON.stringify({ ...good, source: 'nope' }))).toThrow(/source/);
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and has no whitespace', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it('refuses values JSON cannot carry', () => {
    expect(() => canonicalJson({ a: 1n })).toThrow(TypeError);
    expect(() => canonicalJson({ a: NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ a: new Date() })).toThrow(TypeError);
    expect(() => canonicalJson(new Map())).toThrow(TypeError);
    expect(() => canonicalJson([undefined])).toThrow(TypeError);
  });
});

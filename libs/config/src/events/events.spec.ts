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

  it('names the rule an event breaks, with the exact message', () => {
    const good = createEvent(createChange('services', svc), meta);
    const change = good.changes[0];
    const cases: [object, string][] = [
      [{ ...good, type: 'upsert' }, 'config event: type "upsert" is invalid'],
      [{ ...good, type: 1 }, 'config event: type 1 is invalid'],
      [{ ...good, source: null }, 'config event: source null is invalid'],
      [{ ...good, changes: {} }, 'config event: changes must be an array'],
      [{ ...good, changes: [null] }, 'config event: changes[0] is not an object'],
      [{ ...good, changes: [{ ...change, op: 'upsert' }] }, 'config event: changes[0].op is invalid'],
      [{ ...good, changes: [{ ...change, kind: 1 }] }, 'config event: changes[0].kind 1 is not an entity kind'],
      [
        { ...good, type: 'changeset', changes: [change, { ...change, op: 'x' }] },
        'config event: changes[1].op is invalid',
      ],
      [
        { ...good, changes: [{ ...change, after: { id: 1 } }] },
        'config event: changes[0].before/after must be entities with an id, or null',
      ],
      [{ ...good, type: 'delete', changes: [] }, 'config event: a "delete" event carries exactly one change'],
    ];
    for (const [event, message] of cases) {
      expect(() => decodeEvent(Buffer.from(JSON.stringify(event)))).toThrow(new EventDecodeError(message));
    }
    expect(decodeEvent(JSON.stringify({ ...good, type: 'changeset', changes: [] })).changes).toEqual([]);
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

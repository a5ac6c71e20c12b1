import type { EntitySchema, FieldEntry } from './types';
import { validateEntity, validateRecord } from './validate';

const fields: FieldEntry[] = [
  ['name', { type: 'string', required: true }],
  ['count', { type: 'integer', default: 3, between: [0, 10] }],
  ['ratio', { type: 'number' }],
  ['flag', { type: 'boolean', default: false }],
  ['mode', { type: 'string', one_of: ['a', 'b'], default: 'a' }],
  ['list', { type: 'array', elements: { type: 'string', len_max: 3 } }],
  ['tags', { type: 'set', elements: { type: 'string' } }],
  ['labels', { type: 'map', keys: { type: 'string' }, values: { type: 'integer' } }],
  [
    'nested',
    {
      type: 'record',
      default: { inner: 1, deep: { x: 'y' } },
      fields: [
        ['inner', { type: 'integer', default: 1 }],
        ['deep', { type: 'record', default: { x: 'y' }, fields: [['x', { type: 'string', default: 'y' }]] }],
      ],
    },
  ],
  ['ref', { type: 'foreign', reference: 'services' }],
  ['free', { type: 'record', abstract: true }],
  ['path', { type: 'string', starts_with: '/', match_none: [{ pattern: '//', err: 'must not have empty segments' }] }],
  ['code', { type: 'string', match: '^[A-Z]+$' }],
  [
    'odd',
    { type: 'integer', custom_validator: (v) => (typeof v === 'number' && v % 2 === 1 ? undefined : 'must be odd') },
  ],
];

function check(input: Record<string, unknown>) {
  return validateRecord(fields, undefined, input as never);
}

describe('validateRecord', () => {
  it('fills defaults and nulls', () => {
    const r = check({ name: 'n' });
    expect(r.ok).toBe(true);
    expect(r.value).toEqual({
      name: 'n',
      count: 3,
      ratio: null,
      flag: false,
      mode: 'a',
      list: null,
      tags: null,
      labels: null,
      nested: { inner: 1, deep: { x: 'y' } },
      ref: null,
      free: null,
      path: null,
      code: null,
      odd: null,
    });
  });

  it('completes partial records field by field', () => {
    const r = check({ name: 'n', nested: { deep: {} } });
    expect(r.value.nested).toEqual({ inner: 1, deep: { x: 'y' } });
  });

  it('names every failing field, nested ones included', () => {
    const r = check({
      count: 11,
      ratio: 'x',
      flag: 'yes',
      mode: 'c',
      list: ['ok', 'toolong', null],
      labels: { a: 'x' },
      nested: { inner: 1.5, deep: { x: 3 } },
      ref: { id: 'nope' },
      free: [],
      path: 'a//b',
      code: 'abc',
      odd: 2,
      bogus: 1,
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      name: 'required field missing',
      count: 'value should be between 0 and 10',
      ratio: 'expected a number',
      flag: 'expected a boolean',
      mode: 'expected one of: a, b',
      list: [null, 'length must be at most 3', 'required field missing'],
      labels: 'expected an integer',
      nested: { inner: 'expected an integer', deep: { x: 'expected a string' } },
      ref: { id: 'expected a valid UUID' },
      free: 'expected a record',
      path: 'should start with: /',
      code: 'invalid value: abc',
      odd: 'must be odd',
      bogus: 'unknown field',
    });
  });

  it('rejects empty strings unless allowed', () => {
    const r = check({ name: '' });
    expect(r.ok ? undefined : r.errors.name).toBe('length must be at least 1');
  });

  it('deduplicates sets and accepts free-form records', () => {
    const r = check({ name: 'n', tags: ['a', 'b', 'a'], free: { any: { thing: [1] } } });
    expect(r.value.tags).toEqual(['a', 'b']);
    expect(r.value.free).toEqual({ any: { thing: [1] } });
  });

  it('normalises foreign keys to { id }', () => {
    const id = '6f4f0f7e-8b9b-4d35-9a4e-1f3f8b2c1a00';
    expect(check({ name: 'n', ref: { id, extra: 1 } }).value.ref).toEqual({ id });
    const missing = check({ name: 'n', ref: { name: 'x' } });
    expect(missing.ok ? undefined : missing.errors.ref).toEqual({ id: 'missing primary key' });
  });

  it('reports required explicit nulls', () => {
    const r = check({ name: null });
    expect(r.ok ? undefined : r.errors.name).toBe('required field missing');
  });
});

describe('entity checks', () => {
  const schema: EntitySchema = {
    name: 'consumers',
    primary_key: ['id'],
    fields: [
      ['a', { type: 'string' }],
      ['b', { type: 'string' }],
      ['kind', { type: 'string', default: 'none' }],
      ['header', { type: 'string' }],
      ['fallback', { type: 'string' }],
    ],
    entity_checks: [
      { at_least_one_of: ['a', 'b'] },
      {
        conditional: {
          if_field: 'kind',
          if_match: { match: '^header$' },
          then_field: 'header',
          then_match: { required: true },
        },
      },
      { distinct: ['header', 'fallback'] },
      { mutually_required: ['a', 'fallback'] },
    ],
  };

  it('reports entity messages under @entity and the conditional field itself', () => {
    const r = validateEntity(schema, { kind: 'header' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toEqual({
      '@entity': [
        "at least one of these fields must be non-empty: 'a', 'b'",
        "failed conditional validation given value of field 'kind'",
      ],
      header: 'required field missing',
    });
  });

  it('distinct and mutually_required', () => {
    const r = validateEntity(schema, { a: 'x', header: 'h', fallback: 'h' });
    expect(r.ok ? [] : r.errors['@entity']).toEqual(["values of these fields must be distinct: 'header', 'fallback'"]);
    const r2 = validateEntity(schema, { b: 'x', fallback: 'f' });
    expect(r2.ok ? [] : r2.errors['@entity']).toEqual(["all or none of these fields must be set: 'a', 'fallback'"]);
  });

  it('rejects a body that is not an object', () => {
    expect(validateEntity(schema, [1]).ok).toBe(false);
  });
});

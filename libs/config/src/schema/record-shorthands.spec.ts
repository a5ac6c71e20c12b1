import { describe, expect, it } from '@jest/globals';
import type { JsonValue } from '../json';
import { renderField } from './render';
import type { RecordField } from './types';
import { validateValue } from './validate';

const record: RecordField = {
  type: 'record',
  fields: [
    [
      'inner',
      {
        type: 'record',
        fields: [
          ['a', { type: 'integer' }],
          ['b', { type: 'string', default: 'x' }],
        ],
      },
    ],
    ['plain', { type: 'string' }],
  ],
  shorthand_fields: [
    ['inner_a', { type: 'integer', func: (v: JsonValue) => ({ inner: { a: v } }) }],
    ['old_plain', { type: 'string', func: (v: JsonValue) => ({ plain: v }) }],
  ],
};

describe('record shorthand fields', () => {
  it('expand into nested records, merging with what was given', () => {
    expect(validateValue(record, { inner_a: 3, inner: { b: 'y' }, old_plain: 'p' })).toEqual({
      value: { inner: { a: 3, b: 'y' }, plain: 'p' },
    });
  });

  it('name the shorthand when its type is wrong', () => {
    expect(validateValue(record, { inner_a: 'three' }).error).toEqual({ inner_a: 'expected an integer' });
  });

  it('are listed in the rendered schema', () => {
    expect(renderField(record).shorthand_fields).toEqual([
      { inner_a: { type: 'integer' } },
      { old_plain: { type: 'string' } },
    ]);
  });
});

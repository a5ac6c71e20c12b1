import type { Entity } from '@gantry/config';
import { diffEntity } from './entity-diff';
import { formatPath } from './field-path';

const id = '6a3f5f0e-7f7e-4a0c-9d8b-0d2a4c1b2e3f';

describe('diffEntity', () => {
  it('names changed scalars, array elements and nested fields', () => {
    const before: Entity = { id, name: 'r', paths: ['/a', '/b'], config: { minute: 5, hour: null } };
    const after: Entity = { id, name: 'r', paths: ['/a', '/c'], config: { minute: 10, hour: null } };
    expect(diffEntity(before, after)).toEqual([
      { path: 'paths[1]', before: '/b', after: '/c' },
      { path: 'config.minute', before: 5, after: 10 },
    ]);
  });

  it('reports an array whose length changed as a whole', () => {
    expect(diffEntity({ id, paths: ['/a'] }, { id, paths: ['/a', '/b'] })).toEqual([
      { path: 'paths', before: ['/a'], after: ['/a', '/b'] },
    ]);
  });

  it('lists the non-null fields of a created or deleted entity', () => {
    const entity: Entity = { id, name: 'svc', host: null, tags: ['x'] };
    expect(diffEntity(null, entity)).toEqual([
      { path: 'id', before: null, after: id },
      { path: 'name', before: null, after: 'svc' },
      { path: 'tags', before: null, after: ['x'] },
    ]);
    expect(diffEntity(entity, null).map((c) => c.after)).toEqual([null, null, null]);
  });

  it('reads a missing field as null and ignores key order', () => {
    expect(diffEntity({ id, a: null, b: { x: 1, y: 2 } }, { id, b: { y: 2, x: 1 } })).toEqual([]);
    expect(diffEntity({ id }, { id, c: { d: 1 } })).toEqual([{ path: 'c', before: null, after: { d: 1 } }]);
  });

  it('quotes keys that are not plain identifiers', () => {
    expect(
      diffEntity({ id, config: { headers: { 'X-Key': 'a' } } }, { id, config: { headers: { 'X-Key': 'b' } } }),
    ).toEqual([{ path: 'config.headers.X-Key', before: 'a', after: 'b' }]);
    expect(formatPath(['config', 'a.b', 0, 'c d'])).toBe('config["a.b"][0]["c d"]');
  });
});

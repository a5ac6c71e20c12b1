import fc from 'fast-check';
import { Tx } from './tx';

const sorted = <T>(items: Iterable<T>): T[] => [...items].sort();

describe('Tx', () => {
  it('undoes any sequence of mutations exactly', () => {
    const key = fc.constantFrom('a', 'b', 'c', 'd');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('mapSet' as const), key, value: fc.integer() }),
      fc.record({ kind: fc.constant('mapInsert' as const), key, value: fc.integer() }),
      fc.record({ kind: fc.constant('mapDelete' as const), key, value: fc.constant(0) }),
      fc.record({ kind: fc.constant('setAdd' as const), key, value: fc.constant(0) }),
      fc.record({ kind: fc.constant('setDelete' as const), key, value: fc.constant(0) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 20 }), (ops) => {
        const map = new Map<string, number>([
          ['a', 1],
          ['b', 2],
        ]);
        const set = new Set(['a', 'c']);
        const tx = new Tx();
        for (const { kind, key: k, value } of ops) {
          if (kind === 'mapSet') tx.mapSet(map, k, value);
          // mapInsert is only for keys the caller has just seen missing.
          else if (kind === 'mapInsert' && !map.has(k)) tx.mapInsert(map, k, value);
          else if (kind === 'mapDelete') tx.mapDelete(map, k);
          else if (kind === 'setAdd') tx.setAdd(set, k);
          else if (kind === 'setDelete') tx.setDelete(set, k);
        }
        tx.rollback();
        expect(sorted(map)).toEqual([
          ['a', 1],
          ['b', 2],
        ]);
        expect(sorted(set)).toEqual(['a', 'c']);
      }),
    );
  });

  it('keeps an undefined value a key held, and forgets what it rolled back', () => {
    const map = new Map<string, number | undefined>([['a', undefined]]);
    const tx = new Tx();
    tx.mapSet(map, 'a', 1);
    tx.mapDelete(map, 'a');
    tx.rollback();
    expect([...map]).toEqual([['a', undefined]]);
    tx.mapSet(map, 'b', 2);
    tx.rollback();
    tx.rollback();
    expect([...map]).toEqual([['a', undefined]]);
  });

  it('writes through without recording when it builds a state from scratch', () => {
    const map = new Map<string, number>([['a', 1]]);
    const set = new Set<string>();
    const tx = new Tx(false);
    tx.mapSet(map, 'a', 2);
    tx.mapInsert(map, 'b', 3);
    tx.mapDelete(map, 'a');
    tx.setAdd(set, 'x');
    tx.rollback();
    expect([...map]).toEqual([['b', 3]]);
    expect([...set]).toEqual(['x']);
  });
});

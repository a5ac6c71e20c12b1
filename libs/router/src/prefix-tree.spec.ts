import fc from 'fast-check';
import { PrefixTree } from './prefix-tree';

const byValue = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function collected(tree: PrefixTree<string>, text: string): string[][] {
  const out: string[][] = [];
  const n = tree.collect(text, out);
  return out.slice(0, n).map((list) => [...list]);
}

describe('PrefixTree', () => {
  it('collects the lists of every key prefixing the text, shortest first, each sorted', () => {
    const tree = new PrefixTree<string>(byValue);
    tree.insert('/api', 'b');
    tree.insert('/api', 'a');
    tree.insert('/ap', 'c');
    tree.insert('/api/v1', 'd');
    tree.insert('', 'root');
    tree.insert('/other', 'e');
    expect(collected(tree, '/api/v1/users')).toEqual([['root'], ['c'], ['a', 'b'], ['d']]);
    expect(collected(tree, '/a')).toEqual([['root']]);
    expect(collected(tree, '/apx')).toEqual([['root'], ['c']]);
  });

  it('removes items and prunes, ending empty', () => {
    const tree = new PrefixTree<string>(byValue);
    tree.insert('/abc', 'x');
    tree.insert('/abd', 'y');
    tree.insert('/ab', 'z');
    expect(tree.remove('/ab', 'z')).toBe(true);
    expect(tree.remove('/ab', 'z')).toBe(false);
    expect(collected(tree, '/abd')).toEqual([['y']]);
    expect(tree.remove('/abc', 'x')).toBe(true);
    expect(tree.remove('/abd', 'y')).toBe(true);
    expect(tree.isEmpty).toBe(true);
  });

  it('agrees with a brute-force model after random inserts and removes', () => {
    const key = fc.stringMatching(/^[ab/]{0,5}$/);
    const op = fc.record({ insert: fc.boolean(), key, item: fc.constantFrom('p', 'q', 'r') });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), fc.array(key, { minLength: 1, maxLength: 5 }), (ops, probes) => {
        const tree = new PrefixTree<string>(byValue);
        const model = new Map<string, Set<string>>();
        for (const { insert, key: k, item } of ops) {
          const set = model.get(k) ?? new Set<string>();
          if (insert && !set.has(item)) {
            tree.insert(k, item);
            set.add(item);
          } else if (!insert) {
            expect(tree.remove(k, item)).toBe(set.delete(item));
          }
          model.set(k, set);
        }
        for (const probe of probes) {
          const expected = [...model.entries()]
            .filter(([k, set]) => set.size > 0 && probe.startsWith(k))
            .sort(([a], [b]) => a.length - b.length)
            .map(([, set]) => [...set].sort(byValue));
          expect(collected(tree, probe)).toEqual(expected);
        }
        const empty = [...model.values()].every((set) => set.size === 0);
        expect(tree.isEmpty).toBe(empty);
      }),
    );
  });
});

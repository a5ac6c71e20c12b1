import { propagationRoutePath } from './route-paths';

describe('propagationRoutePath', () => {
  it('never makes one path a prefix of another (Kong matches by prefix)', () => {
    // Sorted, a prefix comes right before the strings that extend it: checking neighbours is enough.
    const paths = Array.from({ length: 1_200 }, (_, i) => propagationRoutePath('r0-abc', i)).sort();
    const prefixed = paths.filter((path, i) => i > 0 && path.startsWith(paths[i - 1]));
    expect(prefixed).toEqual([]);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('refuses run ids and indexes that would make odd paths', () => {
    expect(propagationRoutePath('r1', 7)).toBe('/propagation/r1/7/');
    expect(() => propagationRoutePath('a/b', 1)).toThrow(RangeError);
    expect(() => propagationRoutePath('r1', -1)).toThrow(RangeError);
    expect(() => propagationRoutePath('r1', 1.5)).toThrow(RangeError);
  });
});

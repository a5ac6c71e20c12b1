import { createChange, type Change } from '@gantry/config';
import { takeWithinLimit, type Part } from './parts';

const change = (id: string): Change => createChange('targets', { id, target: `${id}:80` });
const part = (upstream: string, n: number): Part => ({
  upstream,
  changes: Array.from({ length: n }, (_, i) => change(`${upstream}${i}`)),
});
const sizes = (parts: Part[]): string[] => parts.map((p) => `${p.upstream}${p.changes.length}`);

describe('takeWithinLimit', () => {
  it('takes whole upstreams while they fit', () => {
    const { take, rest } = takeWithinLimit([part('a', 2), part('b', 2), part('c', 2)], 5);
    expect(sizes(take)).toEqual(['a2', 'b2']);
    expect(sizes(rest)).toEqual(['c2']);
  });

  it('cuts an upstream larger than the limit, first piece first', () => {
    const big = part('a', 5);
    const { take, rest } = takeWithinLimit([big, part('b', 1)], 2);
    expect(take).toEqual([{ upstream: 'a', changes: big.changes.slice(0, 2) }]);
    expect(sizes(rest)).toEqual(['a3', 'b1']);
  });

  it('takes everything without a limit', () => {
    const { take, rest } = takeWithinLimit([part('a', 3), part('b', 4)], Number.POSITIVE_INFINITY);
    expect(sizes(take)).toEqual(['a3', 'b4']);
    expect(rest).toEqual([]);
  });
});

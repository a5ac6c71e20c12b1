import { judgeIndex } from './blocking-index';
import { Backoff, jitteredWait } from './pacing';

describe('judgeIndex: the blocking-query rules', () => {
  it('tells a moved index from a repeated one', () => {
    expect(judgeIndex(0, '42')).toEqual({ kind: 'changed', index: 42 });
    expect(judgeIndex(42, '43')).toEqual({ kind: 'changed', index: 43 });
    expect(judgeIndex(42, '42')).toEqual({ kind: 'unchanged', index: 42 });
  });

  it('flags an index lower than the one sent', () => {
    expect(judgeIndex(42, '41')).toEqual({ kind: 'backwards', index: 41 });
  });

  it('refuses 0, a missing header, garbage and indexes past 2^53', () => {
    for (const raw of ['0', undefined, '', 'abc', '-5', '1.5', '12345678901234567890']) {
      expect(judgeIndex(42, raw)).toEqual({ kind: 'invalid', raw });
    }
  });
});

describe('pacing', () => {
  it('jitters the wait down by at most a tenth', () => {
    expect(jitteredWait(60_000, () => 0)).toBe(60_000);
    expect(jitteredWait(60_000, () => 0.5)).toBe(57_000);
    expect(jitteredWait(60_000, () => 0.999)).toBeGreaterThan(54_000);
  });

  it('doubles the backoff up to its cap, with jitter in the upper half, and resets', () => {
    const high = new Backoff({ minDelayMs: 100, maxDelayMs: 1_000 }, () => 0.999);
    const delays = [1, 2, 3, 4, 5, 6].map(() => high.next());
    expect(delays.map((d) => Math.round(d / 10) * 10)).toEqual([100, 200, 400, 800, 1_000, 1_000]);
    expect(high.consecutiveFailures).toBe(6);
    high.reset();
    expect(new Backoff({ minDelayMs: 100, maxDelayMs: 1_000 }, () => 0).next()).toBe(50);
    expect(high.next()).toBe(100);
  });
});

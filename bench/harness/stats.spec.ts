import { meetsGoal, median, percentile, ratio, summarize } from './stats';

describe('median', () => {
  it('takes the middle sample of an odd count, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([7])).toBe(7);
  });

  it('averages the two middle samples of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('does not reorder the caller’s array', () => {
    const samples = [3, 1, 2];
    median(samples);
    expect(samples).toEqual([3, 1, 2]);
  });

  it('refuses no samples and non-finite ones', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => median([1, Number.NaN])).toThrow(RangeError);
  });
});

describe('percentile (nearest rank)', () => {
  const hundred = Array.from({ length: 100 }, (_, i) => 100 - i); // 100..1, unsorted on purpose

  it('returns a sample at or above the share asked for', () => {
    expect(percentile(hundred, 0.5)).toBe(50);
    expect(percentile(hundred, 0.99)).toBe(99);
    expect(percentile(hundred, 1)).toBe(100);
    expect(percentile(hundred, 0)).toBe(1);
  });

  it('picks the slowest of few samples for a high percentile', () => {
    expect(percentile([10, 20, 30], 0.99)).toBe(30);
    expect(percentile([10, 20, 30], 0.5)).toBe(20);
  });

  it('refuses q outside [0, 1]', () => {
    expect(() => percentile([1], 1.5)).toThrow(RangeError);
    expect(() => percentile([1], -0.1)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('reports the median with min, max and the samples', () => {
    expect(summarize([30, 10, 20])).toEqual({ value: 20, min: 10, max: 30, samples: [30, 10, 20] });
  });
});

describe('ratio', () => {
  it('is value over reference', () => {
    expect(ratio(50, 200)).toBe(0.25);
    expect(ratio(300, 100)).toBe(3);
  });

  it('is null against a zero reference', () => {
    expect(ratio(5, 0)).toBeNull();
  });
});

describe('meetsGoal', () => {
  it('checks at-least and at-most goals, bounds included', () => {
    expect(meetsGoal(100_000, { op: '>=', value: 100_000 })).toBe(true);
    expect(meetsGoal(99_999, { op: '>=', value: 100_000 })).toBe(false);
    expect(meetsGoal(5, { op: '<=', value: 5 })).toBe(true);
    expect(meetsGoal(6, { op: '<=', value: 5 })).toBe(false);
  });
});

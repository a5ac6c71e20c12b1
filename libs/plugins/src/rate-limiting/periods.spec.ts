import { describe, expect, it } from '@jest/globals';
import { windowEnd, windowStart } from './periods';
import { WindowClock } from './windows';

const at = (...parts: [number, number, number?, number?, number?, number?, number?]) => Date.UTC(...parts);

describe('rate-limiting windows', () => {
  const now = at(2024, 1, 29, 23, 59, 59, 999);

  it('aligns fixed periods to UTC boundaries', () => {
    expect(windowStart('second', now)).toBe(at(2024, 1, 29, 23, 59, 59));
    expect(windowStart('minute', now)).toBe(at(2024, 1, 29, 23, 59));
    expect(windowStart('hour', now)).toBe(at(2024, 1, 29, 23));
    expect(windowStart('day', now)).toBe(at(2024, 1, 29));
    expect(windowEnd('day', at(2024, 1, 29))).toBe(at(2024, 2, 1));
  });

  it('aligns months and years to the calendar', () => {
    expect(windowStart('month', now)).toBe(at(2024, 1, 1));
    expect(windowEnd('month', at(2024, 1, 1))).toBe(at(2024, 2, 1));
    expect(windowEnd('month', at(2024, 11, 1))).toBe(at(2025, 0, 1));
    expect(windowStart('year', now)).toBe(at(2024, 0, 1));
    expect(windowEnd('year', at(2024, 0, 1)) - at(2024, 0, 1)).toBe(366 * 86_400_000);
  });

  it('computes the windows once per second', () => {
    const clock = new WindowClock(['second', 'month']);
    const first = clock.at(at(2024, 1, 29, 10, 0, 0, 1));
    expect(clock.at(at(2024, 1, 29, 10, 0, 0, 999))).toBe(first);
    const next = clock.at(at(2024, 1, 29, 10, 0, 1));
    expect(next).not.toBe(first);
    expect(next.starts).toEqual([at(2024, 1, 29, 10, 0, 1), at(2024, 1, 1)]);
    expect(next.ends).toEqual([at(2024, 1, 29, 10, 0, 2), at(2024, 2, 1)]);
  });
});

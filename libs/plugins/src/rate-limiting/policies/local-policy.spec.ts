import { describe, expect, it } from '@jest/globals';
import { WindowClock } from '../windows';
import { LocalPolicy } from './local-policy';

describe('LocalPolicy', () => {
  const t0 = Date.UTC(2024, 5, 1, 12, 0, 0);

  it('counts per window and restarts at rollover', () => {
    let now = t0;
    const clock = new WindowClock(['second', 'minute']);
    const policy = new LocalPolicy(2, () => now);
    policy.increment('a', clock.at(now));
    policy.increment('a', clock.at(now));
    expect([...policy.usage('a', clock.at(now))]).toEqual([2, 2]);
    now += 1000;
    expect([...policy.usage('a', clock.at(now))]).toEqual([0, 2]);
    policy.increment('a', clock.at(now));
    expect([...policy.usage('a', clock.at(now))]).toEqual([1, 3]);
    expect([...policy.usage('b', clock.at(now))]).toEqual([0, 0]);
  });

  it('keeps at most `max` identifiers', () => {
    const clock = new WindowClock(['hour']);
    const policy = new LocalPolicy(1, () => t0, 2);
    for (const id of ['a', 'b', 'c']) policy.increment(id, clock.at(t0));
    expect(policy.size).toBe(2);
    expect([...policy.usage('a', clock.at(t0))]).toEqual([0]);
    expect([...policy.usage('c', clock.at(t0))]).toEqual([1]);
  });

  it('drops identifiers whose windows all ended', () => {
    let now = t0;
    const clock = new WindowClock(['second', 'minute']);
    const policy = new LocalPolicy(2, () => now);
    policy.usage('x', clock.at(now)); // first sweep is due at once; the next one a minute later
    policy.increment('a', clock.at(now));
    now = t0 + 60_500; // the next minute
    policy.increment('b', clock.at(now));
    now = t0 + 61_000; // a's windows ended at t0 + 60 s
    policy.usage('b', clock.at(now));
    expect(policy.size).toBe(1);
  });
});

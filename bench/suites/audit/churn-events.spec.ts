import { applyEvent, countEntities, createState, ENTITY_KINDS } from '@gantry/config';
import { churnEvents } from './churn-events';

describe('churnEvents', () => {
  it('writes versions 1..n that all fold, with a state that stops growing once the targets are in', () => {
    const state = createState();
    const sizes: number[] = [];
    let n = 0;
    for (const event of churnEvents(30_000)) {
      expect(event.version).toBe(++n);
      expect(applyEvent(state, event).status).toBe('applied');
      if (n % 5_000 === 0) sizes.push(ENTITY_KINDS.reduce((sum, kind) => sum + countEntities(state, kind), 0));
    }
    expect(n).toBe(30_000);
    expect(countEntities(state, 'upstreams')).toBe(1_000);
    // 10 targets per upstream, give or take the one being replaced when the log ends.
    expect(countEntities(state, 'targets')).toBeGreaterThanOrEqual(9_999);
    expect(countEntities(state, 'targets')).toBeLessThanOrEqual(10_000);
    expect(new Set(sizes.slice(3)).size).toBeLessThanOrEqual(2);
  });

  it('stops at exactly the number of events asked for, even inside the first upstreams', () => {
    expect([...churnEvents(5)].map((e) => e.version)).toEqual([1, 2, 3, 4, 5]);
  });
});

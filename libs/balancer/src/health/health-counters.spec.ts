import { HealthCounters } from './health-counters';

describe('HealthCounters (lua-resty-healthcheck semantics)', () => {
  it('turns unhealthy when one failure counter reaches its limit, passing through mostly_healthy', () => {
    const c = new HealthCounters();
    expect(c.report('http', 3)).toBe(false);
    expect(c.state).toBe('mostly_healthy');
    expect(c.healthy).toBe(true);
    expect(c.report('timeout', 3)).toBe(false);
    expect(c.report('http', 3)).toBe(false);
    expect(c.report('http', 3)).toBe(true);
    expect(c.state).toBe('unhealthy');
  });

  it('lets a success reset every failure counter, and a failure reset only the success counter', () => {
    const c = new HealthCounters();
    c.report('http', 2);
    c.report('success', 2);
    expect(c.report('http', 2)).toBe(false);
    c.force(false);
    c.report('success', 2);
    expect(c.state).toBe('mostly_unhealthy');
    c.report('tcp', 5);
    expect(c.report('success', 2)).toBe(false);
    expect(c.report('success', 2)).toBe(true);
    expect(c.state).toBe('healthy');
  });

  it('ignores reports whose counter is disabled (limit 0), so failures accumulate when successes are not counted', () => {
    const c = new HealthCounters();
    c.report('http', 3);
    c.report('success', 0);
    c.report('http', 3);
    expect(c.report('http', 3)).toBe(true);
  });

  it('ignores successes while fully healthy and failures while fully unhealthy', () => {
    const c = new HealthCounters();
    expect(c.report('success', 1)).toBe(false);
    expect(c.state).toBe('healthy');
    c.force(false);
    expect(c.report('timeout', 1)).toBe(false);
    expect(c.report('success', 1)).toBe(true);
  });

  it('clears the counters when forced', () => {
    const c = new HealthCounters();
    c.report('http', 2);
    expect(c.force(true)).toBe(false);
    expect(c.report('http', 2)).toBe(false);
  });
});

import { Router } from '@gantry/router';
import { checkProbes, exactAnswers, singleChangeLatencies } from './measure';
import { mixedRoutes, probes } from './workload';

// Not a timing test: it checks that the bench workload measures what it says.
describe('router bench workload', () => {
  const n = 2_000;
  const router = new Router();
  router.load(mixedRoutes(n));

  it('every request matches the route it aims at, and the misses match nothing', () => {
    const stream = probes(n, 5_000, 0, 7);
    expect(stream.filter((p) => p.expected === null).length).toBeGreaterThan(0);
    expect(() => checkProbes(router, stream)).not.toThrow();
  });

  it('the hot stream has the announced number of distinct requests', () => {
    const stream = probes(n, 10_000, 300, 7).map((p) => p.request);
    expect(new Set(stream).size).toBeLessThanOrEqual(300);
    expect(exactAnswers(router, stream).size).toBeGreaterThan(200);
  });

  it('the change sequence leaves the router with as many routes as it started with', () => {
    const traffic = probes(n, 100, 100, 8).map((p) => p.request);
    const latencies = singleChangeLatencies(router, n, 20, traffic, 0);
    expect(router.size).toBe(n);
    expect(latencies.p99Us).toBeGreaterThanOrEqual(latencies.p50Us);
  });
});

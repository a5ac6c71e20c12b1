import type { Entity } from '@gantry/config';
import { Router, type RequestFacts } from '@gantry/router';
import type { BenchCase, MetricSpec, Suite } from '../../harness/types';
import {
  buildMs,
  checkProbes,
  exactAnswers,
  exactMapLookupsPerSec,
  mapBuildMs,
  matchesPerSec,
  rebuildLatencies,
  retainedHeapMiB,
  singleChangeLatencies,
} from './measure';
import { MIX, mixedRoutes, probes } from './workload';

/** The project's target: at least a million matches per second at 10k mixed routes. */
const MATCHES_GOAL = { op: '>=', value: 1_000_000 } as const;

const SIZES = [10_000, 100_000] as const;
/** Distinct requests of the hot stream: fits Kong's default cache of 5000 matches. */
const HOT_SET = 2_000;

const matchesMetric = (goal: boolean): MetricSpec => ({
  name: 'matchesPerSec',
  unit: 'matches/s',
  better: 'higher',
  ...(goal ? { goal: MATCHES_GOAL } : {}),
});
const LATENCY_METRICS: readonly MetricSpec[] = [
  { name: 'p50Us', unit: 'µs', better: 'lower' },
  { name: 'p99Us', unit: 'µs', better: 'lower' },
];

const label = (routes: number): string => `${routes / 1000}k`;

interface Sized {
  readonly routes: readonly Entity[];
  readonly router: Router;
}

/** Routes and a loaded router per size, built once and shared by the cases of that size. */
function sizedRouters(): (routes: number) => Sized {
  const cache = new Map<number, Sized>();
  return (n) => {
    let sized = cache.get(n);
    if (sized === undefined) {
      const routes = mixedRoutes(n);
      const router = new Router();
      router.load(routes);
      cache.set(n, (sized = { routes, router }));
    }
    return sized;
  };
}

function matchCase(sized: Sized, n: number, lookups: number, hot: boolean): BenchCase {
  const stream = probes(n, lookups, hot ? HOT_SET : 0, n);
  checkProbes(sized.router, stream.slice(0, 20_000));
  const requests: RequestFacts[] = stream.map((p) => p.request);
  const answers = exactAnswers(sized.router, requests);
  return {
    name: `match ${label(n)} ${hot ? 'hot' : 'unique'}`,
    params: { routes: n, lookups, distinctRequests: hot ? HOT_SET : lookups, cacheSize: 5_000 },
    metrics: [matchesMetric(hot && n === 10_000)],
    measure: () => Promise.resolve({ matchesPerSec: matchesPerSec(sized.router, requests) }),
    reference: {
      name: 'exact Map.get',
      description:
        'the same request stream answered by Map.get on a key built from the exact method, Host header and path, ' +
        'precomputed from the router answers: no normalisation, host or path parsing, precedence, regex or ' +
        'header rules, no cache. A ceiling, not a router: the ratio is the share of a bare hash lookup reached.',
      measure: () => Promise.resolve({ matchesPerSec: exactMapLookupsPerSec(answers, requests) }),
    },
  };
}

function applyCase(sized: Sized, n: number, triples: number, rebuilds: number): BenchCase {
  const traffic = probes(n, HOT_SET, HOT_SET, n + 1).map((p) => p.request);
  let round = 0;
  return {
    name: `apply 1 change ${label(n)}`,
    params: { routes: n, changes: triples * 3, rebuilds },
    metrics: LATENCY_METRICS,
    measure: () => Promise.resolve({ ...singleChangeLatencies(sized.router, n, triples, traffic, round++) }),
    reference: {
      name: 'full rebuild',
      description:
        "what Kong's router does on a change: the whole router built again from every route (here Router.load on " +
        'a fresh router), timed per rebuild; its p99 is the slowest of the few rebuilds.',
      measure: () => Promise.resolve({ ...rebuildLatencies(sized.routes, rebuilds) }),
    },
  };
}

function buildCase(sized: Sized, n: number): BenchCase {
  return {
    name: `build ${label(n)}`,
    params: { routes: n },
    metrics: [{ name: 'buildMs', unit: 'ms', better: 'lower' }],
    measure: () => Promise.resolve({ buildMs: buildMs(sized.routes) }),
    reference: {
      name: 'plain Map.set',
      description: 'the same route entities put into a Map by id: no compilation, no index. A floor, not a router.',
      measure: () => Promise.resolve({ buildMs: mapBuildMs(sized.routes) }),
    },
  };
}

function memoryCase(sized: Sized, n: number): BenchCase {
  return {
    name: `heap ${label(n)}`,
    params: { routes: n, measured: 'heapUsed after a full GC, route entities excluded' },
    metrics: [{ name: 'heapMiB', unit: 'MiB', better: 'lower' }],
    measure: () =>
      Promise.resolve({
        heapMiB: retainedHeapMiB(() => {
          const router = new Router();
          router.load(sized.routes);
          return router;
        }),
      }),
    reference: {
      name: 'entity copies',
      description:
        'the heap of a deep copy (structuredClone) of the same route entities in a Map: what the raw config ' +
        'weighs. The ratio is the router index (compiled routes, trees, maps; the entities are shared) against it.',
      measure: () =>
        Promise.resolve({
          heapMiB: retainedHeapMiB(() => new Map(sized.routes.map((r) => [r.id, structuredClone(r)]))),
        }),
    },
  };
}

export const routerSuite: Suite = {
  name: 'router',
  description:
    `The HTTP router (libs/router) on one core with a mix of routes (${MIX}): lookups per second on a hot ` +
    'request set (served by the match cache) and on unique requests (every lookup walks the index), the latency ' +
    'of one incremental route change against a full rebuild, build time, and heap.',
  needs: [],
  prepare: (ctx) => {
    const sized = sizedRouters();
    const cases: BenchCase[] = [];
    for (const full of SIZES) {
      const n = ctx.quick ? full / 10 : full;
      const routers = sized(n);
      cases.push(matchCase(routers, n, ctx.quick ? 200_000 : 1_000_000, true));
      cases.push(matchCase(routers, n, ctx.quick ? 50_000 : 200_000, false));
      cases.push(applyCase(routers, n, ctx.quick ? 100 : 1_000, full === 10_000 ? 5 : 3));
      cases.push(buildCase(routers, n));
      if (full === 10_000) cases.push(memoryCase(routers, n));
    }
    return Promise.resolve({ cases });
  },
};

import type { AppliedChange, Entity } from '@gantry/config';
import { Router, type RequestFacts } from '@gantry/router';
import { collectGarbage } from '../../harness/gc';
import { percentile } from '../../harness/stats';
import { mixedRoute, type Probe } from './workload';

const MIB = 1024 * 1024;

/** Checks that every probe matches the route it aims at, so a case never measures a shorter path. */
export function checkProbes(router: Router, probes: readonly Probe[]): void {
  let wrong = 0;
  for (const probe of probes) if ((router.match(probe.request)?.route.id ?? null) !== probe.expected) wrong++;
  if (wrong > 0) throw new Error(`${wrong} of ${probes.length} bench requests matched another route than intended`);
}

/** Lookups per second of `router.match` over the request stream. */
export function matchesPerSec(router: Router, requests: readonly RequestFacts[]): number {
  let found = 0;
  const start = performance.now();
  for (const request of requests) if (router.match(request) !== null) found++;
  const seconds = (performance.now() - start) / 1000;
  if (found === 0) throw new Error('no bench request matched');
  return requests.length / seconds;
}

/** The reference: each request answered by `Map.get` on its exact method, host and path, precomputed. */
export function exactMapLookupsPerSec(answers: ReadonlyMap<string, string>, requests: readonly RequestFacts[]): number {
  let found = 0;
  const start = performance.now();
  for (const request of requests)
    if (answers.get(`${request.method} ${request.host}${request.path}`) !== undefined) found++;
  const seconds = (performance.now() - start) / 1000;
  if (found === 0) throw new Error('no bench request found in the reference map');
  return requests.length / seconds;
}

/** The reference's table: every distinct request of the stream mapped to the route the router picks. */
export function exactAnswers(router: Router, requests: readonly RequestFacts[]): Map<string, string> {
  const answers = new Map<string, string>();
  for (const request of requests) {
    const id = router.match(request)?.route.id;
    if (id !== undefined) answers.set(`${request.method} ${request.host}${request.path}`, id);
  }
  return answers;
}

export interface Latencies {
  readonly p50Us: number;
  readonly p99Us: number;
}

function latencies(samplesNs: readonly number[]): Latencies {
  return { p50Us: percentile(samplesNs, 0.5) / 1000, p99Us: percentile(samplesNs, 0.99) / 1000 };
}

function timeNs(work: () => void): number {
  const start = process.hrtime.bigint();
  work();
  return Number(process.hrtime.bigint() - start);
}

function change(op: AppliedChange['op'], before: Entity | null, after: Entity | null, key: string): AppliedChange[] {
  return [{ op, kind: 'routes', key, before, after }];
}

/**
 * `triples` rounds of three single-change changesets on a loaded router, each timed alone: create a route,
 * update an existing one (its path changes), delete the created one. Between changes the router serves a few
 * requests, so each change also clears a warm cache, as in production.
 */
export function singleChangeLatencies(
  router: Router,
  size: number,
  triples: number,
  traffic: readonly RequestFacts[],
  round: number,
): Latencies {
  const samples: number[] = [];
  let served = 0;
  const serve = (): void => {
    for (let k = 0; k < 16; k++) router.match(traffic[served++ % traffic.length]);
  };
  for (let j = 0; j < triples; j++) {
    const extra = mixedRoute(size + j);
    const target = (j * 7919) % size;
    const before = mixedRoute(target, round);
    const after = mixedRoute(target, round + 1);
    samples.push(timeNs(() => router.apply(change('create', null, extra, extra.id))));
    serve();
    samples.push(timeNs(() => router.apply(change('update', before, after, after.id))));
    serve();
    samples.push(timeNs(() => router.apply(change('delete', extra, null, extra.id))));
    serve();
  }
  return latencies(samples);
}

/** The reference: a router rebuilt from scratch for each change, as Kong's router does. */
export function rebuildLatencies(routes: readonly Entity[], rebuilds: number): Latencies {
  const samples: number[] = [];
  for (let j = 0; j < rebuilds; j++) samples.push(timeNs(() => new Router().load(routes)));
  return latencies(samples);
}

/** Milliseconds of `load` for the routes. */
export function buildMs(routes: readonly Entity[]): number {
  const router = new Router();
  const start = performance.now();
  router.load(routes);
  const ms = performance.now() - start;
  if (router.size !== routes.length) throw new Error(`built ${router.size} routes of ${routes.length}`);
  return ms;
}

/** The reference build: the same entities put into a Map by id. */
export function mapBuildMs(routes: readonly Entity[]): number {
  const start = performance.now();
  const byId = new Map<string, Entity>();
  for (const route of routes) byId.set(route.id, route);
  const ms = performance.now() - start;
  if (byId.size !== routes.length) throw new Error('duplicate ids in the bench routes');
  return ms;
}

/** Heap the result of `build` keeps alive (MiB), measured between two full collections. */
export function retainedHeapMiB(build: () => unknown): number {
  collectGarbage();
  const before = process.memoryUsage().heapUsed;
  const kept = build();
  collectGarbage();
  const after = process.memoryUsage().heapUsed;
  if (kept === undefined) throw new Error('nothing was built');
  return (after - before) / MIB;
}

import type { BenchCase, Goal, MetricSpec, Reference, SampleContext, Suite } from '../../harness/types';
import { gantryRuntime } from './gantry-build';
import { runLoad } from './load';
import { NGINX_UPSTREAM_KEEPALIVE } from './nginx/server';
import { propagationCase } from './propagation/case';
import { proxyTargets, type Target } from './targets';
import { UPSTREAM_BODY } from './upstream-body';

/** Closed-loop load: this many keep-alive connections, one request in flight on each. */
const CONNECTIONS = 50;
/** Seconds per run of every case and reference alike. */
const DURATION_SEC = { full: 10, quick: 3, warmUp: 2 } as const;

function metrics(throughputGoal?: Goal): MetricSpec[] {
  return [
    { name: 'reqPerSec', unit: 'req/s', better: 'higher', ...(throughputGoal ? { goal: throughputGoal } : {}) },
    { name: 'p50Ms', unit: 'ms', better: 'lower' },
    { name: 'p99Ms', unit: 'ms', better: 'lower' },
  ];
}

interface Side {
  /** `(a)`..`(d)`, as issue 4 names them. */
  readonly label: string;
  readonly name: string;
  readonly description: string;
  readonly target: Target;
}

export const proxySuite: Suite = {
  name: 'proxy',
  description:
    `Reverse-proxy throughput and latency, the same upstream (a node:http child process answering a ${UPSTREAM_BODY.length}-byte ` +
    `body) and the same load (autocannon in the bench process, ${CONNECTIONS} keep-alive connections, pipelining 1, the ` +
    'same duration for every run) through each proxy; then config propagation from an acknowledged Admin API write ' +
    'to three proxy replicas on Kafka and Cassandra. On this 2-core machine the load tool, the proxy and the ' +
    'upstream share the CPUs and nothing is pinned: compare the ratios, not the raw figures. Every server and the ' +
    'method are described in docs/benchmarks.md (proxy).',
  // Kafka and Cassandra are provisioned by the propagation case itself, after the throughput cases (see case.ts).
  needs: [],
  prepare: (ctx) => {
    const targets = proxyTargets(ctx);
    const durationSec = ctx.quick ? DURATION_SEC.quick : DURATION_SEC.full;
    const load =
      (target: Target) =>
      async ({ warmUp }: SampleContext) =>
        runLoad({
          url: await target.url(),
          connections: CONNECTIONS,
          durationSec: warmUp ? DURATION_SEC.warmUp : durationSec,
        });
    const params = { connections: CONNECTIONS, pipelining: 1, durationSec, bodyBytes: UPSTREAM_BODY.length };

    const direct: Side = {
      label: '(a)',
      name: '(a) direct upstream',
      description:
        'the upstream itself, no proxy: the ceiling of what any proxy in front of it can reach on this machine',
      target: targets.direct,
    };
    const nginx: Side = {
      label: '(b)',
      name: '(b) nginx, 1 worker',
      description:
        `Debian's nginx (bookworm package, extracted from its .deb, no system install), worker_processes 1, access log off, ` +
        `upstream keepalive ${NGINX_UPSTREAM_KEEPALIVE} with proxy_http_version 1.1 and an empty Connection header, ` +
        'keepalive_requests raised so that it, like the Node servers, never closes a busy connection',
      target: targets.nginx,
    };
    const fastify: Side = {
      label: '(c)',
      name: '(c) @fastify/http-proxy',
      description:
        'fastify 5 + @fastify/http-proxy 11 in one process with its documented defaults ({ upstream }: an undici ' +
        'keep-alive pool), logging off; the fastest Node.js peer',
      target: targets.fastify,
    };
    const gantry: Side = {
      label: '(d)',
      name: '(d) gantry',
      description:
        'the built standalone app (admin, proxy and discovery in one process, embedded log and store), one proxy ' +
        'worker, no plugins, one service and route "/" created through the Admin API',
      target: targets.gantry,
    };
    const reference = (side: Side): Reference => ({
      name: side.name,
      description: side.description,
      measure: load(side.target),
    });
    const throughputCase = (value: Side, against: Side, goal?: Goal): BenchCase => ({
      name: `${value.name} vs ${against.label}`,
      // Which build of Gantry ran (dist unless GANTRY_BENCH_TS_NODE=1) goes with every Gantry figure.
      params: value === gantry ? { ...params, gantry: gantryRuntime() } : params,
      metrics: metrics(goal),
      measure: load(value.target),
      reference: reference(against),
    });

    const propagation = propagationCase(ctx, targets.upstreamUrl);
    return Promise.resolve({
      cases: [
        throughputCase(fastify, direct),
        throughputCase(nginx, direct),
        // Issue 4's goals: at least the fastest Node peer, at least half of nginx.
        throughputCase(gantry, fastify, { op: '>=', value: 1, of: 'ratio' }),
        throughputCase(gantry, nginx, { op: '>=', value: 0.5, of: 'ratio' }),
        throughputCase(gantry, direct),
        propagation.benchCase,
      ],
      close: async () => {
        await propagation.close();
        await targets.close();
      },
    });
  },
};

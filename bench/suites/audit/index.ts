import { resolveRetention } from '@gantry/store';
import type { BenchCase, MetricSpec, SampleContext, Suite, SuiteContext } from '../../harness/types';
import { startAdminProcess, type AdminProcess } from './admin-process';
import { replayInto, writeHistoryDir } from './history-dir';
import { timeGets } from './latency';
import { replayCase } from './replay-case';
import { CHURN_MIX } from './churn-events';
import { MIX, sourceLogs, type SourceLog } from './source-log';

/** Full sizes from the issue; `--quick` runs a fifth of each. */
const REPLAY_EVENTS = 1_000_000;
const HISTORY_EVENTS = 100_000;
const AUDIT_EVENTS = 1_000_000;
/** `GET /config?at=` points per sample, spread over the history (see `pastVersions`). */
const POINTS = 20;
/** Audit queries per sample (half by id, half by name). */
const QUERIES = 200;
/** An admin holding a million events in its audit index (and the state twice: replica and audit fold). */
const AUDIT_ADMIN_HEAP_MB = 8_192;

/** The goal for time travel, on the median and on the slowest point. */
const UNDER_500_MS = { op: '<=', value: 500 } as const;

/** One admin process per data directory, started on first use and stopped with the suite. */
function lazyAdmin(start: () => Promise<AdminProcess>): {
  get: () => Promise<AdminProcess>;
  stop: () => Promise<void>;
} {
  let admin: Promise<AdminProcess> | undefined;
  return {
    get: () => (admin ??= start()),
    stop: async () => {
      const running = await admin?.catch(() => undefined);
      await running?.stop();
    },
  };
}

/**
 * Versions spread over the history, each one before a multiple of `events / POINTS`: points just before a
 * checkpoint window boundary fold almost a whole window of records, the worst case.
 */
function pastVersions(events: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => Math.round(((i + 1) * events) / count) - 1);
}

function timeTravelCase(ctx: SuiteContext, events: number, admins: (() => Promise<void>)[]): BenchCase {
  const admin = lazyAdmin(async () => {
    const dir = await ctx.scratchDir('audit-history');
    ctx.log(`writing ${events.toLocaleString('en-US')} events of history with the snapshots an admin keeps`);
    const history = await writeHistoryDir(dir, events);
    return startAdminProcess({ dataDir: history.dataDir, readyTimeoutMs: 300_000, log: ctx.log });
  });
  admins.push(admin.stop);
  const count = ({ warmUp }: SampleContext): number => (warmUp ? 5 : POINTS);
  const retention = resolveRetention({});
  const metrics: MetricSpec[] = [
    { name: 'p50Ms', unit: 'ms', better: 'lower', goal: UNDER_500_MS },
    { name: 'maxMs', unit: 'ms', better: 'lower', goal: UNDER_500_MS },
  ];
  return {
    name: `GET /config?at= (${events / 1000}k history)`,
    params: {
      events,
      points: POINTS,
      format: 'json',
      snapshots: `every 1k, kept: newest ${retention.keep} + 1 per ${retention.checkpointEvery / 1000}k`,
    },
    metrics,
    measure: async (sample) => {
      const { url } = await admin.get();
      const versions = pastVersions(events, count(sample));
      let i = 0;
      return timeGets(
        versions.map((v) => `${url}/config?at=${v}&format=json`),
        (_, headers) => {
          const served = headers.get('x-gantry-config-version');
          return served === String(versions[i++]) ? undefined : `served version ${served}`;
        },
      );
    },
    reference: {
      name: 'GET /config (now)',
      description:
        'the current configuration exported the same way (declarative JSON) by the same admin, as many times: ' +
        'no snapshot read and no fold; the state at the head is larger than at most past points',
      measure: async (sample) => {
        const { url } = await admin.get();
        return timeGets(Array.from({ length: count(sample) }, () => `${url}/config?format=json`));
      },
    },
  };
}

function auditQueryCase(
  ctx: SuiteContext,
  events: number,
  source: (events: number) => Promise<SourceLog>,
  admins: (() => Promise<void>)[],
): BenchCase {
  let services: SourceLog['services'] = [];
  const admin = lazyAdmin(async () => {
    const log = await source(events);
    services = log.services;
    ctx.log(`replaying ${events.toLocaleString('en-US')} events into a data directory for the audit queries`);
    const dataDir = await replayInto(log, await ctx.scratchDir('audit-query'));
    return startAdminProcess({
      dataDir,
      maxOldSpaceMb: AUDIT_ADMIN_HEAP_MB,
      readyTimeoutMs: 1_200_000,
      // The embedded audit index follows the log from version 1 in the background.
      ready: async (url) =>
        (await fetch(`${url}/audit/events/${events}`).then((r) => r.text().then(() => r.status))) === 200,
      log: ctx.log,
    });
  });
  admins.push(admin.stop);
  const pick = ({ warmUp }: SampleContext): SourceLog['services'] => services.slice(0, warmUp ? 20 : QUERIES);
  return {
    name: `audit by entity (${events / 1000}k events)`,
    params: { events, queries: QUERIES, store: 'embedded', by: 'id and name, alternately' },
    metrics: [
      { name: 'p50Ms', unit: 'ms', better: 'lower' },
      { name: 'p99Ms', unit: 'ms', better: 'lower' },
    ],
    measure: async (sample) => {
      const { url } = await admin.get();
      const urls = pick(sample).map(
        (s, i) => `${url}/audit/events?entity=${encodeURIComponent(i % 2 === 0 ? s.id : s.name)}`,
      );
      return timeGets(urls, (body) =>
        (JSON.parse(body) as { data: unknown[] }).data.length > 0 ? undefined : 'no events for the entity',
      );
    },
    reference: {
      name: 'GET /services/{id}',
      description:
        'a plain entity read of the same services from the same admin (the replica state in memory): no index ' +
        'lookup, no event summaries',
      measure: async (sample) => {
        const { url } = await admin.get();
        return timeGets(pick(sample).map((s) => `${url}/services/${s.id}`));
      },
    },
  };
}

export const auditSuite: Suite = {
  name: 'audit',
  description:
    `Issue 7: replaying the config log into a fresh embedded store, the configuration at a past version ` +
    `(GET /config?at=) and audit queries by entity, on histories of bench events (${MIX}); replay also on a discovery-shaped history (${CHURN_MIX}).`,
  needs: [],
  prepare: (ctx) => {
    const scale = (n: number): number => (ctx.quick ? n / 5 : n);
    const source = sourceLogs(ctx.scratchDir);
    const admins: (() => Promise<void>)[] = [];
    const cases = [
      replayCase({
        events: scale(REPLAY_EVENTS),
        warmUpEvents: scale(REPLAY_EVENTS) / 10,
        source,
        scratchDir: ctx.scratchDir,
      }),
      replayCase({
        events: scale(REPLAY_EVENTS),
        warmUpEvents: scale(REPLAY_EVENTS) / 10,
        source: sourceLogs(ctx.scratchDir, 'churn'),
        history: { name: 'discovery churn', mix: CHURN_MIX },
        scratchDir: ctx.scratchDir,
      }),
      timeTravelCase(ctx, scale(HISTORY_EVENTS), admins),
      auditQueryCase(ctx, scale(AUDIT_EVENTS), source, admins),
    ];
    return Promise.resolve({
      cases,
      close: async () => {
        await Promise.allSettled(admins.map((stop) => stop()));
      },
    });
  },
};

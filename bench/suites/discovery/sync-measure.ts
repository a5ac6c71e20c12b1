import { performance } from 'node:perf_hooks';
import type { SuiteContext } from '../../harness/types';
import { adminCall, configVersion, upstreamTargets } from './admin-api';
import { discoveryStatus, GantryProcesses } from './cluster';
import { createConfigTopic } from './config-topic';
import { forEachLimited } from './consul-api';
import { INSTANCES, type SyncCatalog } from './sync-catalog';

/** The source's name: its targets carry the owner tag `discovery:consul:sync` (and so do the references'). */
export const SYNC_SOURCE = 'sync';
export const SYNC_OWNER_TAG = `discovery:consul:${SYNC_SOURCE}`;
/** A sync not complete in the admin's fold this long after it started fails the case. */
const SYNC_TIMEOUT_MS = 300_000;

export interface SyncFigures {
  /** From the start (discovery leading, or the first Admin API request) to every target in the admin's fold. */
  readonly syncMs: number;
  /** Config events written: the admin's config version after, minus before. */
  readonly events: number;
  readonly [metric: string]: number;
}

export interface SyncRun {
  readonly ctx: SuiteContext;
  readonly catalog: SyncCatalog;
  /** Tag prefix discovery maps by (the whole catalog, or the warm-up's tenth). */
  readonly prefix: string;
  /** Raise the config topic's `max.message.bytes` to this (created by the bench); undefined: Kafka's default. */
  readonly maxMessageBytes?: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A fresh admin on a fresh topic and keyspace (the topic made by the bench when its record limit is raised). */
async function freshAdmin(run: SyncRun): Promise<{ processes: GantryProcesses; adminUrl: string; before: number }> {
  const processes = new GantryProcesses(run.ctx.endpoints, run.ctx.log);
  try {
    if (run.maxMessageBytes !== undefined) {
      await createConfigTopic(run.ctx.endpoints.kafkaBrokers, processes.name, run.maxMessageBytes);
    }
    const adminUrl = await processes.startAdmin();
    return { processes, adminUrl, before: await configVersion(adminUrl) };
  } catch (error) {
    await processes.stop();
    throw error;
  }
}

/**
 * Resolves when every upstream of `run` and all their targets are in the admin's fold: polled cheaply on the last
 * upstream (the reconciler and the references write upstreams in name order, so it completes last), then
 * confirmed by counting every entity carrying the owner tag.
 */
async function whenComplete(adminUrl: string, run: SyncRun, startedAt: number): Promise<number> {
  const upstreams = run.catalog.upstreams(run.prefix);
  const last = upstreams[upstreams.length - 1].name;
  const expired = (): boolean => performance.now() - startedAt > SYNC_TIMEOUT_MS;
  while ((await upstreamTargets(adminUrl, last)).length < INSTANCES) {
    if (expired()) throw new Error(`upstream ${last} not complete in the admin's fold after ${SYNC_TIMEOUT_MS} ms`);
    await sleep(20);
  }
  let at = performance.now();
  for (;;) {
    const counts = await ownedCounts(adminUrl);
    if (counts.upstreams === upstreams.length && counts.targets === upstreams.length * INSTANCES) return at;
    if (expired()) throw new Error(`the admin's fold holds ${JSON.stringify(counts)} after ${SYNC_TIMEOUT_MS} ms`);
    await sleep(200);
    at = performance.now();
  }
}

/** Upstreams and targets tagged with the owner tag, counted through `GET /tags/{tag}`. */
async function ownedCounts(adminUrl: string): Promise<{ upstreams: number; targets: number }> {
  const counts = { upstreams: 0, targets: 0 };
  let next: string | null = `/tags/${encodeURIComponent(SYNC_OWNER_TAG)}?size=1000`;
  while (next !== null) {
    const page = (await adminCall('GET', `${adminUrl}${next}`)) as {
      data: { entity_name: string }[];
      next: string | null;
    };
    for (const row of page.data) {
      if (row.entity_name === 'upstreams') counts.upstreams++;
      if (row.entity_name === 'targets') counts.targets++;
    }
    next = page.next;
  }
  return counts;
}

/**
 * The discovery side: a discovery process on a fresh admin's topic, timed from the moment it leads (its status
 * says so; it starts its sources then) until the admin's fold holds every target.
 */
export async function measureDiscoverySync(run: SyncRun): Promise<SyncFigures> {
  const { processes, adminUrl, before } = await freshAdmin(run);
  try {
    const yaml = [
      'consul:',
      `  - address: ${run.catalog.address}`,
      '    datacenter: dc1',
      `    name: ${SYNC_SOURCE}`,
      `    mapping: { tag_prefix: ${run.prefix}, meta_key: null }`,
      '',
    ].join('\n');
    const discovery = await processes.spawnDiscovery(await run.ctx.scratchDir('discovery-sync'), yaml);
    let startedAt: number | undefined;
    const spawnedAt = performance.now();
    while (startedAt === undefined) {
      const exit = discovery.child.exitDescription();
      if (exit) throw new Error(`discovery ${exit}:\n${discovery.child.output()}`);
      if (performance.now() - spawnedAt > 120_000) throw new Error('discovery did not lead within 120 s');
      if ((await discoveryStatus(discovery.statusUrl))?.leader === true) startedAt = performance.now();
      else await sleep(10);
    }
    const doneAt = await whenComplete(adminUrl, run, startedAt);
    const events = (await configVersion(adminUrl)) - before;
    const reconciler = (await discoveryStatus(discovery.statusUrl))?.sources[0]?.reconciler;
    const splits = discovery.child.output().split('event too large; splitting').length - 1;
    run.ctx.log(
      `discovery sync of ${run.catalog.upstreams(run.prefix).length} upstreams: ${(doneAt - startedAt).toFixed(0)} ms, ` +
        `${events} events (reconciler: ${reconciler?.eventsWritten ?? '?'} written` +
        `${splits > 0 ? `, ${splits} refused as too large and split` : ''})`,
    );
    return { syncMs: doneAt - startedAt, events };
  } finally {
    await processes.stop();
  }
}

/** The owner tag on what the references write too: counted the same way, and the same bytes as discovery's. */
function referenceUpstreams(run: SyncRun) {
  return run.catalog.upstreams(run.prefix).map((upstream) => ({
    name: upstream.name,
    tags: [SYNC_OWNER_TAG],
    targets: upstream.targets.map((t) => ({ ...t, tags: [...t.tags, SYNC_OWNER_TAG] })),
  }));
}

/** Reference: the same upstreams and targets as one declarative `POST /config` (one `replace` event). */
export async function measureConfigPost(run: SyncRun): Promise<SyncFigures> {
  const { processes, adminUrl, before } = await freshAdmin(run);
  try {
    const document = { _format_version: '3.0', upstreams: referenceUpstreams(run) };
    const startedAt = performance.now();
    await adminCall('POST', `${adminUrl}/config`, document);
    const doneAt = await whenComplete(adminUrl, run, startedAt);
    return { syncMs: doneAt - startedAt, events: (await configVersion(adminUrl)) - before };
  } finally {
    await processes.stop();
  }
}

/** Admin API callers at once in the one-write-per-entity reference. */
export const ENTITY_WRITERS = 16;

/**
 * Reference: the same upstreams and targets written one entity per request (`POST /upstreams`, then
 * `POST /upstreams/{u}/targets`), {@link ENTITY_WRITERS} callers at once: one event per instance.
 */
export async function measureEntityWrites(run: SyncRun): Promise<SyncFigures> {
  const { processes, adminUrl, before } = await freshAdmin(run);
  try {
    const upstreams = referenceUpstreams(run);
    const startedAt = performance.now();
    await forEachLimited(upstreams, ENTITY_WRITERS, (u) =>
      adminCall('POST', `${adminUrl}/upstreams`, { name: u.name, tags: u.tags }),
    );
    const targets = upstreams.flatMap((u) => u.targets.map((t) => ({ upstream: u.name, ...t })));
    await forEachLimited(targets, ENTITY_WRITERS, ({ upstream, ...target }) =>
      adminCall('POST', `${adminUrl}/upstreams/${upstream}/targets`, target),
    );
    const doneAt = await whenComplete(adminUrl, run, startedAt);
    return { syncMs: doneAt - startedAt, events: (await configVersion(adminUrl)) - before };
  } finally {
    await processes.stop();
  }
}

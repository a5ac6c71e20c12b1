import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  changeset,
  createChange,
  createEvent,
  encodeEvent,
  updateChange,
  type Change,
  type Entity,
  type EventMeta,
} from '@gantry/config';
import { EmbeddedConfigLog } from '@gantry/event-log';
import { EmbeddedSnapshotStore } from '@gantry/store';
import pino from 'pino';
import { benchRoute, benchService } from '../../config/src/testing/bench-entities';
import { ReplicaFold } from './fold/replica-fold';
import { LogConfigReplica } from './log-config-replica';

export interface BootBenchOptions {
  /** Entities in the snapshot: a mix of services, routes, consumers and plugins. */
  readonly entities: number;
  /** Single-change events appended after the snapshot, folded during boot. */
  readonly tail: number;
  /** An empty directory for the embedded log and snapshots. */
  readonly dataDir: string;
}

export interface BootBenchResult {
  readonly entities: number;
  readonly tail: number;
  readonly version: number;
  readonly snapshotBytes: number;
  readonly logBytes: number;
  /** Whole cold boot: open the log (scan the file), open the snapshot store, boot the replica until caught up. */
  readonly bootMs: number;
  readonly logOpenMs: number;
  /** Part of the replica boot: read, verify and decode the snapshot (measured separately, same files). */
  readonly snapshotLoadMs: number;
  readonly replicaStartMs: number;
  /** The booted replica's state hash equals the hash of the replica that folded the whole log. */
  readonly hashMatches: boolean;
  /** The first `status()` after a change hashes the whole state (memoised per version). */
  readonly hashMs: number;
  readonly setupMs: number;
}

const silent = pino({ level: 'silent' });
const META: EventMeta = { actor: 'bench', source: 'admin', origin_region: 'local' };
const BATCH = 500;
const T = 1_700_000_000;

function service(i: number): Entity {
  return benchService(randomUUID(), i, { tags: ['bench', `team-${i % 7}`] });
}

function route(i: number, serviceId: string): Entity {
  return benchRoute(randomUUID(), i, serviceId, { methods: ['GET', 'POST'], hosts: [`api-${i % 50}.example.com`] });
}

function consumer(i: number): Entity {
  return { id: randomUUID(), created_at: T, updated_at: T, username: `user-${i}`, custom_id: null, tags: null };
}

function plugin(routeId: string): Entity {
  return {
    id: randomUUID(),
    created_at: T,
    updated_at: T,
    name: 'key-auth',
    config: { key_names: ['apikey'], hide_credentials: false, anonymous: null, key_in_header: true },
    route: { id: routeId },
    service: null,
    consumer: null,
    enabled: true,
    protocols: ['http', 'https'],
    tags: null,
  };
}

/** `count` create changes in dependency order: 30% services, 40% routes, 20% consumers, 10% plugins. */
function entityChanges(count: number): { changes: Change[]; services: Entity[] } {
  const services: Entity[] = [];
  const routes: string[] = [];
  const changes: Change[] = [];
  const push = (kind: Parameters<typeof createChange>[0], entity: Entity) => changes.push(createChange(kind, entity));
  for (let i = 0; i < Math.ceil(count * 0.3); i++) services.push(service(i));
  services.forEach((s) => push('services', s));
  for (let i = 0; changes.length < count && i < Math.ceil(count * 0.4); i++) {
    const r = route(i, services[i % services.length].id);
    routes.push(r.id);
    push('routes', r);
  }
  for (let i = 0; changes.length < count && i < Math.ceil(count * 0.2); i++) push('consumers', consumer(i));
  for (let i = 0; changes.length < count && i < routes.length; i++) push('plugins', plugin(routes[i]));
  return { changes: changes.slice(0, count), services };
}

/**
 * Cold boot of a replica on the embedded log and snapshot store: builds a log holding `entities` entities (in
 * changesets of 500) and a snapshot of it, appends `tail` service updates, then times a fresh process's boot.
 */
export async function benchBoot(options: BootBenchOptions): Promise<BootBenchResult> {
  const { dataDir, entities, tail } = options;
  const setupStart = performance.now();
  const log = new EmbeddedConfigLog({ dataDir, logger: silent });
  await log.start();
  const store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await store.start();
  const seed = new LogConfigReplica({ log, snapshots: store, logger: silent });
  await seed.start();
  const { changes, services } = entityChanges(entities);
  for (let i = 0; i < changes.length; i += BATCH) {
    await log.append(Buffer.from(encodeEvent(changeset(changes.slice(i, i + BATCH), META))));
  }
  await seed.waitForVersion(await log.headVersion(), 120_000);
  const snapshot = seed.snapshot();
  await store.save(snapshot);
  const appends: Promise<number>[] = [];
  for (let i = 0; i < tail; i++) {
    const before = services[i % services.length];
    const after = { ...before, retries: (i % 9) + 1, updated_at: T + i + 1 };
    services[i % services.length] = after;
    appends.push(log.append(Buffer.from(encodeEvent(createEvent(updateChange('services', before, after), META)))));
    if (appends.length >= 256) await Promise.all(appends.splice(0));
  }
  await Promise.all(appends);
  await seed.waitForVersion(await log.headVersion(), 120_000);
  const expectedHash = seed.status().hash;
  await seed.close();
  await log.close();
  await store.close();
  const setupMs = performance.now() - setupStart;

  const snapshotLoadMs = await timeSnapshotLoad(dataDir);

  const bootStart = performance.now();
  const coldLog = new EmbeddedConfigLog({ dataDir, logger: silent });
  await coldLog.start();
  const logOpenMs = performance.now() - bootStart;
  const coldStore = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await coldStore.start();
  const replicaStart = performance.now();
  const replica = new LogConfigReplica({ log: coldLog, snapshots: coldStore, logger: silent });
  await replica.start();
  const bootEnd = performance.now();
  const status = replica.status(); // computes stateHash once for this version
  const hashMs = performance.now() - bootEnd;
  const logBytes = (await stat(coldLog.path)).size;
  await replica.close();
  await coldLog.close();
  await coldStore.close();
  return {
    entities,
    tail,
    version: status.version,
    snapshotBytes: snapshot.payload.length,
    logBytes,
    bootMs: round(bootEnd - bootStart),
    logOpenMs: round(logOpenMs),
    snapshotLoadMs: round(snapshotLoadMs),
    replicaStartMs: round(bootEnd - replicaStart),
    hashMatches: status.hash === expectedHash && status.bootedFromSnapshot === snapshot.version,
    hashMs: round(hashMs),
    setupMs: round(setupMs),
  };
}

async function timeSnapshotLoad(dataDir: string): Promise<number> {
  const store = new EmbeddedSnapshotStore({ dataDir, logger: silent });
  await store.start();
  const start = performance.now();
  const snapshot = await store.latest();
  if (snapshot) ReplicaFold.fromSnapshot(snapshot);
  const ms = performance.now() - start;
  await store.close();
  return ms;
}

const round = (ms: number): number => Math.round(ms * 10) / 10;

/** `npx ts-node -T -r tsconfig-paths/register libs/replica/src/boot.bench.ts [entities] [tail]` */
async function main(): Promise<void> {
  const entities = Number(process.argv[2] ?? 10_000);
  const tail = Number(process.argv[3] ?? 1_000);
  const dataDir = await mkdtemp(join(tmpdir(), 'gantry-boot-bench-'));
  try {
    console.log(JSON.stringify(await benchBoot({ entities, tail, dataDir })));
  } finally {
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}

import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChange, createEvent, encodeEvent, updateChange, type Entity, type EventMeta } from '@gantry/config';
import { EmbeddedConfigLog } from '@gantry/event-log';
import { ReplicaFold } from '@gantry/replica';
import { EmbeddedSnapshotStore } from '@gantry/store';
import pino from 'pino';
import { benchService } from '../../../config/src/testing/bench-entities';
import { LogRecordSource } from './log-record-source';
import { exportRedacted } from './redacted-export';
import { TimeTravel } from './time-travel';

export interface TimeTravelBenchOptions {
  /** Events of history: one service create each for the first `entities`, then updates of random services. */
  readonly events: number;
  readonly entities: number;
  /** Snapshot interval (as the persister and snapshotter take them), default 1000. */
  readonly snapshotEvery?: number;
  /** The store's checkpoint window; the store's default when absent. */
  readonly checkpointEvery?: number;
  /** Versions looked up, spread over the history. */
  readonly samples?: number;
  /** An empty directory for the embedded log and snapshots. */
  readonly dataDir: string;
}

export interface TimeTravelBenchResult {
  readonly events: number;
  readonly entities: number;
  readonly snapshotsKept: number;
  /** `GET /config?at=` without HTTP: nearest snapshot, fold, redacted declarative export, JSON text. */
  readonly p50Ms: number;
  readonly p95Ms: number;
  readonly maxMs: number;
  /** The most records folded on top of a snapshot over the samples. */
  readonly maxFolded: number;
}

const silent = pino({ level: 'silent' });
const BATCH = 1_000;

/**
 * Latency of the configuration at a past version over an embedded log of `events` events, with snapshots every
 * `snapshotEvery` versions pruned to the store's retention (newest 3 plus a checkpoint per `checkpointEvery` versions).
 */
export async function benchTimeTravel(options: TimeTravelBenchOptions): Promise<TimeTravelBenchResult> {
  const { dataDir, events, entities } = options;
  const snapshotEvery = options.snapshotEvery ?? 1_000;
  const log = new EmbeddedConfigLog({ dataDir, logger: silent });
  await log.start();
  const store = new EmbeddedSnapshotStore({ dataDir, checkpointEvery: options.checkpointEvery, logger: silent });
  await store.start();
  try {
    const fold = new ReplicaFold();
    const services: Entity[] = [];
    let time = 1_700_000_000_000;
    for (let start = 0; start < events; start += BATCH) {
      const values: Buffer[] = [];
      for (let i = start; i < Math.min(events, start + BATCH); i++) {
        const meta: EventMeta = { actor: 'bench', source: 'admin', origin_region: 'local', timestamp: time++ };
        if (i < entities) {
          const service = benchService(randomUUID(), i, { tags: ['bench'] });
          services.push(service);
          values.push(Buffer.from(encodeEvent(createEvent(createChange('services', service), meta))));
        } else {
          const n = (i * 7919) % services.length;
          services[n] = { ...services[n], retries: i % 10, updated_at: i };
          values.push(Buffer.from(encodeEvent(createEvent(updateChange('services', null, services[n]), meta))));
        }
      }
      const versions = await Promise.all(values.map((value) => log.append(value)));
      for (let j = 0; j < values.length; j++) {
        fold.apply({ version: versions[j], key: null, value: values[j], timestamp: 0 });
        if (fold.version % snapshotEvery === 0) await store.save(fold.toSnapshot());
      }
    }
    const travel = new TimeTravel({ snapshots: store, records: new LogRecordSource(log), logger: silent });
    const samples = options.samples ?? 20;
    const timings: number[] = [];
    let maxFolded = 0;
    for (let s = 1; s <= samples; s++) {
      // Spread over the history, each just below the next checkpoint window (the longest folds).
      const version = Math.max(1, Math.min(events, Math.floor((events * s) / samples) - 1));
      const started = performance.now();
      const past = await travel.stateAt(version);
      JSON.stringify(exportRedacted(past.state, `version ${version}`));
      timings.push(performance.now() - started);
      maxFolded = Math.max(maxFolded, past.folded);
    }
    timings.sort((a, b) => a - b);
    const at = (q: number): number => Math.round(timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]);
    const kept = await readdir(join(dataDir, 'snapshots'));
    return {
      events,
      entities,
      snapshotsKept: kept.length,
      p50Ms: at(0.5),
      p95Ms: at(0.95),
      maxMs: Math.round(timings[timings.length - 1]),
      maxFolded,
    };
  } finally {
    await store.close();
    await log.close();
  }
}

if (require.main === module) {
  const [events = '100000', entities = '10000', checkpointEvery] = process.argv.slice(2);
  void (async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gantry-time-travel-bench-'));
    try {
      const window = checkpointEvery === undefined ? undefined : Number(checkpointEvery);
      console.log(
        await benchTimeTravel({ events: Number(events), entities: Number(entities), checkpointEvery: window, dataDir }),
      );
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  })();
}

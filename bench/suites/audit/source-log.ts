import { join } from 'node:path';
import pino from 'pino';
import { asText, encodeEvent, type ConfigEvent } from '@gantry/config';
import { EmbeddedLogImporter } from '@gantry/event-log';
import { makeBenchEvents } from '../../../libs/config/src/fold/fold.bench';
import { churnEvents } from './churn-events';

export const silent = pino({ level: 'silent' });

/** The event mix every case of the suite folds (the fold suite's generator). */
export const MIX =
  'creates of services and routes, service updates, route deletes (makeBenchEvents, libs/config/src/fold/fold.bench.ts)';

/** A service of the log, to query by id or by name. */
export interface SampledService {
  readonly id: string;
  readonly name: string;
}

export interface SourceLog {
  /** The data directory holding `log/config.log`. */
  readonly dataDir: string;
  readonly events: number;
  /** About `samples` services created along the whole log, oldest first. */
  readonly services: readonly SampledService[];
}

/** Events encoded per batch: the generator's objects are dropped once a batch is written. */
const BATCH = 50_000;

/** Writes `events` (versions 1, 2, ...) with the replay's importer (one fsync at the end). */
async function importEvents(dataDir: string, events: Iterable<ConfigEvent>): Promise<number> {
  const importer = await EmbeddedLogImporter.create({ dataDir, logger: silent });
  let written = 0;
  try {
    for (const event of events) {
      const value = Buffer.from(encodeEvent(event));
      await importer.write({ version: event.version, key: null, value, timestamp: event.timestamp });
      written++;
    }
    await importer.finish();
  } finally {
    await importer.close();
  }
  return written;
}

/**
 * An embedded config log of `events` bench events with their log versions (what a standalone process wrote).
 * The events are generated in one go, since the generator updates services created earlier, then encoded batch
 * by batch.
 */
export async function writeSourceLog(dataDir: string, events: number, samples = 200): Promise<SourceLog> {
  const all = makeBenchEvents(events);
  const services: SampledService[] = [];
  const creates = Math.ceil(events * 0.4);
  const every = Math.max(1, Math.floor(creates / samples));
  let created = 0;
  function* sampled(): Generator<ConfigEvent> {
    for (let start = 0; start < all.length; start += BATCH) {
      const batch = all.slice(start, start + BATCH);
      for (let i = 0; i < batch.length; i++) {
        const event = batch[i];
        const change = event.changes[0];
        if (event.type === 'create' && change.kind === 'services' && created++ % every === 0) {
          services.push({ id: change.key, name: asText(change.after?.name) });
        }
        all[start + i] = undefined as never; // let the batch's objects go
        yield event;
      }
    }
  }
  await importEvents(dataDir, sampled());
  return { dataDir, events, services };
}

/** An embedded config log of `events` events of the discovery churn history (`churnEvents`). */
export async function writeChurnLog(dataDir: string, events: number): Promise<SourceLog> {
  return { dataDir, events: await importEvents(dataDir, churnEvents(events)), services: [] };
}

/** Which history a source log holds: the bench mix (`MIX`) or the discovery churn (`CHURN_MIX`). */
export type SourceMix = 'bench' | 'churn';

/** A source log once per size and mix, into a scratch directory. */
export function sourceLogs(
  scratchDir: (prefix: string) => Promise<string>,
  mix: SourceMix = 'bench',
): (events: number) => Promise<SourceLog> {
  const made = new Map<number, Promise<SourceLog>>();
  const write = mix === 'bench' ? writeSourceLog : writeChurnLog;
  return (events) => {
    let log = made.get(events);
    if (!log) {
      log = (async () => write(join(await scratchDir(`audit-source-${mix}-${events}`), 'source'), events))();
      made.set(events, log);
    }
    return log;
  };
}

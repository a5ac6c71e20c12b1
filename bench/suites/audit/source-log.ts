import { join } from 'node:path';
import pino from 'pino';
import { asText, encodeEvent } from '@gantry/config';
import { EmbeddedLogImporter } from '@gantry/event-log';
import { makeBenchEvents } from '../../../libs/config/src/fold/fold.bench';

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

/**
 * An embedded config log of `events` bench events with their log versions (what a standalone process wrote),
 * written with the replay's importer (one fsync at the end). The events are generated in one go, since the
 * generator updates services created earlier, then encoded batch by batch.
 */
export async function writeSourceLog(dataDir: string, events: number, samples = 200): Promise<SourceLog> {
  const importer = await EmbeddedLogImporter.create({ dataDir, logger: silent });
  const all = makeBenchEvents(events);
  const services: SampledService[] = [];
  const creates = Math.ceil(events * 0.4);
  const every = Math.max(1, Math.floor(creates / samples));
  let created = 0;
  try {
    for (let start = 0; start < all.length; start += BATCH) {
      const batch = all.slice(start, start + BATCH);
      for (let i = 0; i < batch.length; i++) {
        const event = batch[i];
        const change = event.changes[0];
        if (event.type === 'create' && change.kind === 'services' && created++ % every === 0) {
          services.push({ id: change.key, name: asText(change.after?.name) });
        }
        const value = Buffer.from(encodeEvent(event));
        await importer.write({ version: event.version, key: null, value, timestamp: event.timestamp });
        all[start + i] = undefined as never; // let the batch's objects go
      }
    }
    await importer.finish();
  } finally {
    await importer.close();
  }
  return { dataDir, events, services };
}

/** `writeSourceLog` once per size and purpose, into a scratch directory. */
export function sourceLogs(scratchDir: (prefix: string) => Promise<string>): (events: number) => Promise<SourceLog> {
  const made = new Map<number, Promise<SourceLog>>();
  return (events) => {
    let log = made.get(events);
    if (!log) {
      log = (async () => writeSourceLog(join(await scratchDir(`audit-source-${events}`), 'source'), events))();
      made.set(events, log);
    }
    return log;
  };
}

import type { LogRecord } from '@gantry/event-log';
import { decodeRecord } from '@gantry/replica';

/**
 * Where time travel reads the config log's records: the embedded log itself, or the Cassandra event history
 * (then the log for versions the persister has not written yet). Records come back byte for byte, so folding them
 * gives exactly what every replica folded.
 */
export interface RecordSource {
  /** The newest version that can be read. */
  headVersion(): Promise<number>;
  /** Records `from..to` (inclusive), in order; rejects rather than skip a version. */
  read(from: number, to: number): AsyncIterable<LogRecord>;
  /** The event timestamp (the writer's clock, epoch ms) of one version. */
  eventTimestamp(version: number): Promise<number>;
}

/**
 * The event timestamp of a record as the fold sees it: the event's own `timestamp`, or the log's when the record
 * is not a readable event (the fold treats those as rejected no-ops stamped with the log's time).
 */
export function eventTimeOf(record: LogRecord): number {
  return decodeRecord(record).event.timestamp;
}

/** The single record at `version` from `source`, through its range read. */
export async function readOne(read: RecordSource['read'], version: number): Promise<LogRecord> {
  for await (const record of read(version, version)) return record;
  throw new Error(`no record at version ${version}`);
}

import type { ConfigLog, LogRecord } from '@gantry/event-log';
import { readLogRange } from '../replay/log-range';
import { eventTimeOf, readOne, type RecordSource } from './record-source';

/**
 * Records straight from the config log. Right for the embedded log, which never drops a record and reads any
 * version from its file; on Kafka each read joins a consumer group, so cluster mode reads the history instead.
 */
export class LogRecordSource implements RecordSource {
  constructor(private readonly log: ConfigLog) {}

  headVersion(): Promise<number> {
    return this.log.headVersion();
  }

  read(from: number, to: number): AsyncIterable<LogRecord> {
    return readLogRange(this.log, from, to);
  }

  async eventTimestamp(version: number): Promise<number> {
    return eventTimeOf(await readOne((from, to) => this.read(from, to), version));
  }
}

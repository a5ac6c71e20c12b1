import type { LogRecord } from '@gantry/event-log';
import { eventTimeOf, type RecordSource } from './record-source';

/** Records held in memory (tests, and admins without a log such as the in-memory backend). */
export class MemoryRecordSource implements RecordSource {
  private readonly records: LogRecord[] = [];

  /** Appends the next record; its version must follow the last one's. */
  push(record: LogRecord): void {
    if (record.version !== this.records.length + 1) {
      throw new Error(`record ${record.version} does not follow version ${this.records.length}`);
    }
    this.records.push(record);
  }

  headVersion(): Promise<number> {
    return Promise.resolve(this.records.length);
  }

  async *read(from: number, to: number): AsyncGenerator<LogRecord> {
    for (let version = from; version <= to; version++) {
      const record = this.records[version - 1];
      if (record === undefined) throw new Error(`no record at version ${version}`);
      yield record;
    }
    await Promise.resolve();
  }

  eventTimestamp(version: number): Promise<number> {
    const record = this.records[version - 1];
    return record === undefined
      ? Promise.reject(new Error(`no record at version ${version}`))
      : Promise.resolve(eventTimeOf(record));
  }
}

import { LogGapError, type ConfigLog, type LogRecord, type RecordHandler } from '@gantry/event-log';
import type { EventHistory } from '@gantry/store';

/**
 * A log that behaves like `inner` but claims to start at `earliest` (as Kafka does after retention dropped
 * records), and whose subscriptions can be made to fail after some records (as a broker outage would).
 */
export class DoubledLog implements ConfigLog {
  earliest = 1;
  /** Each subscription fails after delivering this many records, while > 0; decremented per failure. */
  failAfter: { records: number; times: number } = { records: 0, times: 0 };
  subscriptions = 0;

  constructor(readonly inner: ConfigLog) {}

  start = () => this.inner.start();
  append: ConfigLog['append'] = (value, options) => this.inner.append(value, options);
  headVersion = () => this.inner.headVersion();
  earliestVersion = () => Promise.resolve(this.earliest);
  health = () => this.inner.health();
  close = () => this.inner.close();

  async subscribe(fromVersion: number, onRecord: RecordHandler) {
    if (fromVersion < this.earliest) throw new LogGapError(fromVersion, this.earliest);
    this.subscriptions++;
    let delivered = 0;
    const failing = this.failAfter.times > 0;
    if (failing) this.failAfter.times--;
    return this.inner.subscribe(fromVersion, async (record) => {
      if (failing && delivered++ >= this.failAfter.records) throw new Error('simulated broker outage');
      await onRecord(record);
    });
  }
}

/** An event history holding `records` up to `persisted`. */
export function memoryHistory(records: LogRecord[], persisted = records.length): EventHistory & { reads: number } {
  const history = {
    reads: 0,
    persistedVersion: () => Promise.resolve(persisted),
    async *read(from: number, to: number): AsyncIterable<LogRecord> {
      history.reads++;
      await Promise.resolve();
      for (let version = from; version <= to; version++) {
        const record = records[version - 1];
        if (!record || version > persisted) throw new Error(`history lacks version ${version}`);
        yield record;
      }
    },
  };
  return history;
}

/** Every record of a log, read through a subscription. */
export async function readAll(log: ConfigLog): Promise<LogRecord[]> {
  const head = await log.headVersion();
  const records: LogRecord[] = [];
  if (head === 0) return records;
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  const subscription = await log.subscribe(1, (record) => {
    records.push(record);
    if (record.version === head) done();
  });
  await finished;
  await subscription.close();
  return records;
}

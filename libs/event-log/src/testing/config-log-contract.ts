import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { ConfigLog, LogRecord, LogSubscription } from '../config-log';
import { LogClosedError, LogPositionError } from '../errors';

export interface ContractOptions {
  /** Per-test timeout; Kafka needs more than a file. */
  readonly timeoutMs?: number;
}

/**
 * The behaviour every `ConfigLog` adapter must share. `factory` returns a fresh, unstarted log on
 * storage nobody else uses (a new directory, a new topic); the suite starts and closes it.
 */
export function describeConfigLogContract(
  name: string,
  factory: () => Promise<ConfigLog> | ConfigLog,
  options: ContractOptions = {},
): void {
  const timeout = options.timeoutMs ?? 15_000;

  describe(`ConfigLog contract: ${name}`, () => {
    let log: ConfigLog;
    const subscriptions: LogSubscription[] = [];

    const collect = async (from: number, count: number): Promise<{ records: Promise<LogRecord[]> }> => {
      const received: LogRecord[] = [];
      let done!: (records: LogRecord[]) => void;
      const records = new Promise<LogRecord[]>((resolve) => (done = resolve));
      if (count === 0) done(received);
      subscriptions.push(
        await log.subscribe(from, (record) => {
          received.push(record);
          if (received.length === count) done(received);
        }),
      );
      return { records };
    };
    const appendAll = async (values: string[]): Promise<number[]> => {
      const versions: number[] = [];
      for (const value of values) versions.push(await log.append(Buffer.from(value)));
      return versions;
    };
    const text = (records: LogRecord[]): string[] => records.map((record) => record.value.toString());
    const labels = (n: number, prefix = 'event'): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

    beforeEach(async () => {
      log = await factory();
      await log.start();
    }, timeout);

    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((subscription) => subscription.close()));
      await log.close();
    }, timeout);

    it(
      'starts empty and hands out versions 1, 2, 3, ... in append order',
      async () => {
        expect(await log.headVersion()).toBe(0);
        expect(await log.earliestVersion()).toBe(1);
        expect(await appendAll(labels(5))).toEqual([1, 2, 3, 4, 5]);
        expect(await log.headVersion()).toBe(5);
        expect(log.health()).toMatchObject({ up: true, lastError: null });
      },
      timeout,
    );

    it(
      'delivers every record from version 1, in order, with key, value and timestamp',
      async () => {
        const before = Date.now();
        await log.append(Buffer.from('first'), { key: 'service:a' });
        await log.append(Buffer.from('second'));
        await log.append(Buffer.alloc(0), { key: '' });
        const { records } = await collect(1, 3);
        const got = await records;
        expect(got.map(({ version, key }) => ({ version, key }))).toEqual([
          { version: 1, key: 'service:a' },
          { version: 2, key: null },
          { version: 3, key: '' },
        ]);
        expect(text(got)).toEqual(['first', 'second', '']);
        for (const record of got) expect(record.timestamp).toBeGreaterThanOrEqual(before - 5_000);
      },
      timeout,
    );

    it(
      'delivers from the middle of the log',
      async () => {
        await appendAll(labels(10));
        const { records } = await collect(7, 4);
        const got = await records;
        expect(got.map((record) => record.version)).toEqual([7, 8, 9, 10]);
        expect(text(got)).toEqual(['event-7', 'event-8', 'event-9', 'event-10']);
      },
      timeout,
    );

    it(
      'gives every subscriber every record',
      async () => {
        await appendAll(labels(3));
        const first = await collect(1, 6);
        const second = await collect(1, 6);
        await appendAll(labels(3, 'later'));
        const expected = [...labels(3), ...labels(3, 'later')];
        expect(text(await first.records)).toEqual(expected);
        expect(text(await second.records)).toEqual(expected);
      },
      timeout,
    );

    it(
      'feeds a subscriber that started on an empty log live, including from head + 1',
      async () => {
        const fromStart = await collect(1, 3);
        await log.append(Buffer.from('x'));
        const fromHead = await collect((await log.headVersion()) + 1, 2);
        await appendAll(['y', 'z']);
        expect(text(await fromStart.records)).toEqual(['x', 'y', 'z']);
        expect((await fromHead.records).map((record) => record.version)).toEqual([2, 3]);
      },
      timeout,
    );

    it(
      'awaits the handler before delivering the next record',
      async () => {
        await appendAll(labels(5));
        let running = 0;
        let overlapped = false;
        const seen: number[] = [];
        const done = new Promise<void>((resolve) => {
          void log
            .subscribe(1, async (record) => {
              running++;
              overlapped ||= running > 1;
              await new Promise((wait) => setTimeout(wait, 5));
              seen.push(record.version);
              running--;
              if (seen.length === 5) resolve();
            })
            .then((subscription) => subscriptions.push(subscription));
        });
        await done;
        expect(overlapped).toBe(false);
        expect(seen).toEqual([1, 2, 3, 4, 5]);
      },
      timeout,
    );

    it(
      'stops a subscription whose handler throws, and reports why',
      async () => {
        await appendAll(labels(3));
        const seen: number[] = [];
        const subscription = await log.subscribe(1, (record) => {
          seen.push(record.version);
          if (record.version === 2) throw new Error('fold failed');
        });
        subscriptions.push(subscription);
        await expect(subscription.stopped).rejects.toThrow('fold failed');
        await log.append(Buffer.from('after'));
        await new Promise((wait) => setTimeout(wait, 200));
        expect(seen).toEqual([1, 2]);
        expect(subscription.nextVersion()).toBe(2);
      },
      timeout,
    );

    it(
      'stops delivering after close() and resolves stopped',
      async () => {
        const seen: number[] = [];
        const subscription = await log.subscribe(1, (record) => void seen.push(record.version));
        await log.append(Buffer.from('one'));
        await waitFor(() => seen.length === 1, timeout);
        await subscription.close();
        await expect(subscription.stopped).resolves.toBeUndefined();
        await log.append(Buffer.from('two'));
        await new Promise((wait) => setTimeout(wait, 200));
        expect(seen).toEqual([1]);
      },
      timeout,
    );

    it(
      'ends its subscriptions when the log closes',
      async () => {
        await log.append(Buffer.from('one'));
        const { records } = await collect(1, 1);
        await records;
        const subscription = subscriptions[subscriptions.length - 1];
        await log.close();
        await expect(subscription.stopped).resolves.toBeUndefined();
        await expect(log.subscribe(1, () => undefined)).rejects.toBeInstanceOf(LogClosedError);
      },
      timeout,
    );

    it(
      'refuses positions that cannot exist',
      async () => {
        await appendAll(labels(2));
        await expect(log.subscribe(0, () => undefined)).rejects.toBeInstanceOf(LogPositionError);
        await expect(log.subscribe(4, () => undefined)).rejects.toBeInstanceOf(LogPositionError);
        await expect(log.subscribe(1.5, () => undefined)).rejects.toBeInstanceOf(LogPositionError);
      },
      timeout,
    );

    it(
      'rejects appends after close',
      async () => {
        await log.append(Buffer.from('before'));
        await log.close();
        await expect(log.append(Buffer.from('after'))).rejects.toBeInstanceOf(LogClosedError);
        await expect(log.append(Buffer.from('after'))).rejects.toMatchObject({ code: 'GANTRY_LOG_CLOSED' });
        expect(log.health().up).toBe(false);
      },
      timeout,
    );

    it(
      'gives 200 concurrent appends distinct versions 1..200, seen in version order by every subscriber',
      async () => {
        const count = 200;
        const first = await collect(1, count);
        const values = labels(count, 'concurrent');
        const versions = await Promise.all(values.map((value) => log.append(Buffer.from(value))));
        expect([...versions].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
        const second = await collect(1, count);
        for (const records of [await first.records, await second.records]) {
          expect(records.map((record) => record.version)).toEqual(versions.slice().sort((a, b) => a - b));
          // The value at each version is the one whose append was told that version.
          for (const record of records) expect(record.value.toString()).toBe(values[versions.indexOf(record.version)]);
        }
        expect(await log.headVersion()).toBe(count);
      },
      timeout * 2,
    );
  });
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((wait) => setTimeout(wait, 10));
  }
}

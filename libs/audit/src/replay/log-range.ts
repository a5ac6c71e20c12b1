import { LogClosedError, type ConfigLog, type LogRecord } from '@gantry/event-log';

/** Records the subscription may run ahead of the reader before its handler waits. */
const HIGH_WATER = 2_048;

/** Records `from..to` of a log, one at a time: {@link readLogBatches} flattened. */
export async function* readLogRange(log: ConfigLog, from: number, to: number): AsyncGenerator<LogRecord> {
  for await (const batch of readLogBatches(log, from, to)) yield* batch;
}

/**
 * Records `from..to` of a log as an async iterable of batches, in order (what arrived since the reader last
 * pulled, at most about `HIGH_WATER`). The log's subscription pushes, and its handler waits while `HIGH_WATER`
 * records are queued (backpressure). Rejects with the subscription's error (a `LogGapError` when the log drops a
 * version before it was read). The subscription is closed when the iteration ends, early or not.
 */
export async function* readLogBatches(log: ConfigLog, from: number, to: number): AsyncGenerator<LogRecord[]> {
  if (from > to) return;
  let queue: LogRecord[] = [];
  let wakeReader: (() => void) | undefined;
  let resumeHandler: (() => void) | undefined;
  let lastQueued = from - 1;
  let failure: { error: unknown } | undefined;
  const wake = (): void => {
    wakeReader?.();
    wakeReader = undefined;
  };
  const subscription = await log.subscribe(from, (record) => {
    if (record.version > to) return undefined;
    queue.push(record);
    lastQueued = record.version;
    wake();
    if (queue.length < HIGH_WATER || record.version === to) return undefined;
    return new Promise<void>((resolve) => (resumeHandler = resolve));
  });
  subscription.stopped.then(
    () => {
      // Closed from outside (the log was closed) before `to` was read.
      failure ??= { error: new LogClosedError(`the log subscription ended before version ${to} was read`) };
      wake();
    },
    (error: unknown) => {
      failure = { error };
      wake();
    },
  );
  try {
    for (;;) {
      if (queue.length > 0) {
        const batch = queue;
        queue = [];
        resumeHandler?.();
        resumeHandler = undefined;
        yield batch;
        continue;
      }
      if (lastQueued >= to) return;
      if (failure) throw failure.error;
      await new Promise<void>((resolve) => (wakeReader = resolve));
    }
  } finally {
    resumeHandler?.();
    await subscription.close();
  }
}

import type { ConfigLog, LogRecord } from '@gantry/event-log';

/** Ends a scan from inside the subscription's handler. */
class ScanDone extends Error {}

/**
 * Reads the records of `from..to` that the log still holds, in order, handing each to `visit` until it answers
 * false. Versions beyond the log's head, or below what it still holds, are not visited.
 */
export async function scanLog(
  log: ConfigLog,
  from: number,
  to: number,
  visit: (record: LogRecord) => boolean | Promise<boolean>,
): Promise<void> {
  const start = Math.max(from, await log.earliestVersion());
  const last = Math.min(to, await log.headVersion());
  if (start > last) return;
  const done = new ScanDone('scan complete');
  const subscription = await log.subscribe(start, async (record) => {
    // Throwing is how a handler ends its own subscription; `stopped` then rejects with this very error.
    if (!(await visit(record)) || record.version >= last) throw done;
  });
  try {
    await subscription.stopped;
  } catch (error) {
    if (error !== done) throw error;
  }
}

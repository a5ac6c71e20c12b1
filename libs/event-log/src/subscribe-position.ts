import { LogGapError, LogPositionError } from './errors';

/** The one rule both adapters apply before positioning a subscription. */
export function checkSubscribePosition(fromVersion: number, earliest: number, head: number): void {
  if (!Number.isSafeInteger(fromVersion) || fromVersion < 1) {
    throw new LogPositionError(`fromVersion must be an integer >= 1, got ${fromVersion}`);
  }
  if (fromVersion > head + 1) {
    // Usually a snapshot taken from a different log (a recreated topic, another data dir).
    throw new LogPositionError(`fromVersion ${fromVersion} is beyond the head of the log (version ${head})`);
  }
  if (fromVersion < earliest) throw new LogGapError(fromVersion, earliest);
}

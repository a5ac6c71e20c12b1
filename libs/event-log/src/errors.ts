export type LogErrorCode =
  | 'GANTRY_LOG_UNAVAILABLE'
  | 'GANTRY_LOG_CLOSED'
  | 'GANTRY_LOG_GAP'
  | 'GANTRY_LOG_POSITION_INVALID'
  | 'GANTRY_LOG_RECORD_TOO_LARGE'
  | 'GANTRY_LOG_CORRUPT'
  | 'GANTRY_LOG_LOCKED'
  | 'GANTRY_LOG_TOPIC_INVALID';

/** Base of every error the config log throws; `code` is stable and what callers branch on. */
export abstract class LogError extends Error {
  abstract readonly code: LogErrorCode;
}

/** The backend is down or did not confirm the append in time. The Admin API answers 503. */
export class LogUnavailableError extends LogError {
  readonly code = 'GANTRY_LOG_UNAVAILABLE';
  override readonly name = 'LogUnavailableError';
}

/** The log was closed (or never started); nothing more can be appended or subscribed. */
export class LogClosedError extends LogError {
  readonly code = 'GANTRY_LOG_CLOSED';
  override readonly name = 'LogClosedError';
}

/** The backend no longer holds `requested`; read versions below `earliest` from the event history instead. */
export class LogGapError extends LogError {
  readonly code = 'GANTRY_LOG_GAP';
  override readonly name = 'LogGapError';
  constructor(
    readonly requested: number,
    readonly earliest: number,
  ) {
    super(`version ${requested} is no longer in the log, which now starts at version ${earliest}`);
  }
}

/** A subscription asked for a version that cannot exist yet (or below 1). */
export class LogPositionError extends LogError {
  readonly code = 'GANTRY_LOG_POSITION_INVALID';
  override readonly name = 'LogPositionError';
}

export class LogRecordTooLargeError extends LogError {
  readonly code = 'GANTRY_LOG_RECORD_TOO_LARGE';
  override readonly name = 'LogRecordTooLargeError';
}

/** The log file is damaged somewhere other than its last record; an operator has to look at it. */
export class LogCorruptError extends LogError {
  readonly code = 'GANTRY_LOG_CORRUPT';
  override readonly name = 'LogCorruptError';
  constructor(
    message: string,
    readonly file: string,
    readonly offset: number,
  ) {
    super(`${file}: ${message} (byte offset ${offset})`);
  }
}

/** Another process (or another instance in this one) already owns the embedded log directory. */
export class LogLockedError extends LogError {
  readonly code = 'GANTRY_LOG_LOCKED';
  override readonly name = 'LogLockedError';
}

/** The Kafka topic exists but cannot serve as the config log (more than one partition, compaction). */
export class LogTopicError extends LogError {
  readonly code = 'GANTRY_LOG_TOPIC_INVALID';
  override readonly name = 'LogTopicError';
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One entry of the config log. The log never looks inside `value`; the event schema lives in libs/config. */
export interface LogRecord {
  /** 1-based position in the log; the configuration version this record produces. */
  readonly version: number;
  readonly key: string | null;
  readonly value: Buffer;
  /** Epoch ms at which the backend accepted the record (informational, not an ordering). */
  readonly timestamp: number;
}

export const DEFAULT_APPEND_DEADLINE_MS = 5_000;

export interface AppendOptions {
  readonly key?: string;
  /**
   * Give up after this long with `LogUnavailableError` (default 5000). A record that was already
   * handed to the backend when the deadline passed may still have been appended: callers make a
   * retry harmless by giving each event an id the fold de-duplicates on.
   */
  readonly deadlineMs?: number;
}

/** Awaited before the next record is delivered; throwing ends the subscription (see `LogSubscription.stopped`). */
export type RecordHandler = (record: LogRecord) => Promise<void> | void;

export interface LogSubscription {
  /** The version the next delivered record will carry. */
  nextVersion(): number;
  /**
   * Settles when the subscription ends: resolves after `close()`, rejects with the reason when it
   * stopped on its own (the handler threw, a gap or corruption was found, the log was closed).
   */
  readonly stopped: Promise<void>;
  /** Stops delivery. Resolves once no handler is running; called from inside the handler it does not wait for itself. */
  close(): Promise<void>;
}

export type LogBackendName = 'embedded' | 'kafka';

export interface LogHealth {
  readonly up: boolean;
  readonly backend: LogBackendName;
  /** Where the log lives, e.g. the file path or the topic and brokers. */
  readonly detail: string;
  readonly lastError: string | null;
}

/**
 * The config log port: an append-only, totally ordered sequence of opaque records.
 * Adapters: `EmbeddedConfigLog` (one fsync'd file) and `KafkaConfigLog` (one single-partition topic).
 */
export interface ConfigLog {
  /** Opens the log: recovers the file, or creates and checks the topic. */
  start(): Promise<void>;
  /**
   * Appends one record and resolves with its version once it is durable (fsync'd, or acknowledged
   * by all in-sync replicas). Rejects with `LogUnavailableError` when the backend is down or the
   * deadline passes, `LogClosedError` after `close()`, `LogRecordTooLargeError` for oversized records.
   */
  append(value: Buffer, options?: AppendOptions): Promise<number>;
  /**
   * Delivers every record with `version >= fromVersion` in order, then follows the live tail.
   * Each subscription sees every record (no shared consumer group). Rejects with `LogGapError` when
   * `fromVersion < earliestVersion()` and `LogPositionError` when it is below 1 or above `headVersion() + 1`.
   */
  subscribe(fromVersion: number, onRecord: RecordHandler): Promise<LogSubscription>;
  /** The last durable version, 0 when the log is empty. */
  headVersion(): Promise<number>;
  /** The first version the backend still holds (Kafka retention may have dropped older ones), 1 when nothing was dropped. */
  earliestVersion(): Promise<number>;
  /** Answers from state the log already holds; never does I/O. */
  health(): LogHealth;
  /** Finishes appends already accepted, stops every subscription and releases the backend. */
  close(): Promise<void>;
}
